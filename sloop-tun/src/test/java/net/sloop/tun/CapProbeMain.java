package net.sloop.tun;

/** Run in a child JVM without CAP_NET_ADMIN by {@link TunDeviceTest}: prints what opening a TUN says. */
public final class CapProbeMain {
    private CapProbeMain() {}

    public static void main(String[] args) {
        try (TunLink l = TunLink.open(args[0], TunLink.Mode.TUN)) {
            System.out.println("opened " + l.name());
        } catch (Exception e) {
            System.out.println(e.getMessage());
        }
    }
}
