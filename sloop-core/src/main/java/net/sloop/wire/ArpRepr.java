package net.sloop.wire;

/** Validated Ethernet/IPv4 ARP packet: operation 1 (request) or 2 (reply). */
public record ArpRepr(int operation, long senderHardware, int senderProtocol,
                      long targetHardware, int targetProtocol) {
    /** Reads a view on which {@code check()} returned NONE. */
    public static ArpRepr of(ArpView v) {
        return new ArpRepr(v.operation(), v.senderHardware(), v.senderProtocol(),
                v.targetHardware(), v.targetProtocol());
    }

    public int bufferLength() {
        return ArpView.LENGTH;
    }

    public void emit(ArpView v) {
        v.setEthernetIpv4();
        v.setOperation(operation);
        v.setSenderHardware(senderHardware);
        v.setSenderProtocol(senderProtocol);
        v.setTargetHardware(targetHardware);
        v.setTargetProtocol(targetProtocol);
    }
}
