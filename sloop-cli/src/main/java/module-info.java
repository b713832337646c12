/**
 * The {@code sloop} command ({@link net.sloop.cli.Main}): {@code demo}, {@code serve},
 * {@code status}, {@code top}, {@code ftp-passwd}. Not an API: nothing is exported; picocli reads
 * the commands' options by reflection.
 */
module net.sloop.cli {
    requires net.sloop.core;
    requires net.sloop.tun;
    requires net.sloop.services;
    requires info.picocli;
    requires java.logging;
    requires jdk.unsupported; // sun.misc.Signal: SIGUSR1 prints the summary
    opens net.sloop.cli to info.picocli;
}
