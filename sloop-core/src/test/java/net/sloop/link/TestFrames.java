package net.sloop.link;

import java.nio.ByteBuffer;

/** Hand-built frames for link tests, with their own checksum helper (no dependency on the wire codecs). */
final class TestFrames {
    private TestFrames() {}

    static final byte[] MAC_A = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    static final byte[] MAC_B = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    static final byte[] IP_A = {10, 0, 0, 1};
    static final byte[] IP_B = {10, 0, 0, 2};

    /** The Internet checksum (RFC 1071) of {@code b[off, off+len)} with an initial sum. */
    static int checksum(byte[] b, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) (~sum & 0xffff);
    }

    /** An Ethernet ARP request: who has 10.0.0.2, tell 10.0.0.1. */
    static byte[] arpRequest() {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(BROADCAST).put(MAC_A).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(MAC_A).put(IP_A).put(new byte[6]).put(IP_B);
        return b.array();
    }

    /** A bare IPv4/UDP packet from 10.0.0.1:srcPort to 10.0.0.2:dstPort with correct checksums. */
    static byte[] ipv4Udp(int srcPort, int dstPort, byte[] payload) {
        int udpLen = 8 + payload.length;
        int total = 20 + udpLen;
        byte[] p = new byte[total];
        ByteBuffer b = ByteBuffer.wrap(p);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).put(IP_A).put(IP_B);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen).putShort((short) 0).put(payload);
        b.putShort(10, (short) checksum(p, 0, 20, 0));
        long pseudo = 0;
        for (int i = 12; i < 20; i += 2) pseudo += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        pseudo += 17 + udpLen;
        int udp = checksum(p, 20, udpLen, pseudo);
        b.putShort(26, (short) (udp == 0 ? 0xffff : udp));
        return p;
    }

    /** The same packet in an Ethernet II frame from MAC_A to MAC_B. */
    static byte[] ethernet(byte[] ipPacket) {
        ByteBuffer b = ByteBuffer.allocate(14 + ipPacket.length);
        b.put(MAC_B).put(MAC_A).putShort((short) 0x0800).put(ipPacket);
        return b.array();
    }
}
