/**
 * Linux TUN and TAP devices as Sloop links ({@link net.sloop.tun.TunLink}), opened and configured
 * through {@code java.lang.foreign} (run with {@code --enable-native-access=net.sloop.tun}, or
 * {@code ALL-UNNAMED} on the class path), and the host side set up with iproute2
 * ({@link net.sloop.tun.HostNet}).
 */
module net.sloop.tun {
    requires transitive net.sloop.core;
    exports net.sloop.tun;
}
