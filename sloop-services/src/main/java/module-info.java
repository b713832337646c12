/**
 * Services on a Sloop stack: echo, discard, chargen and daytime ({@code net.sloop.service}), the
 * file-system interface they serve from ({@code net.sloop.fs}), an FTP server and client
 * ({@code net.sloop.ftp}, {@code net.sloop.ftp.client}), an HTTP/1.1 server
 * ({@code net.sloop.http}), the live status view of a stack ({@code net.sloop.status}) and its
 * pages over HTTP ({@code net.sloop.dashboard}). Each runs
 * on the stack's thread and charges what it holds to the stack's budget.
 */
module net.sloop.services {
    requires transitive net.sloop.core;
    exports net.sloop.fs;
    exports net.sloop.ftp;
    exports net.sloop.ftp.client;
    exports net.sloop.http;
    exports net.sloop.service;
    exports net.sloop.status;
    exports net.sloop.dashboard;
    opens net.sloop.dashboard; // its page's files are read through the class loader
}
