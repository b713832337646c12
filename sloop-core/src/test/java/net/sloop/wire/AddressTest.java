package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void macRoundTrip() {
        long mac = MacAddress.parse("02:00:00:00:00:01");
        assertEquals(0x0200_0000_0001L, mac);
        assertEquals("02:00:00:00:00:01", MacAddress.toString(mac));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.toString(MacAddress.BROADCAST));
        MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        MacAddress.write(seg, 1, 0xA1B2_C3D4_E5F6L);
        assertEquals("00a1b2c3d4e5f600", Hex.of(seg, 0, 8));
        assertEquals(0xA1B2_C3D4_E5F6L, MacAddress.read(seg, 1));
        assertEquals(0x0A0B_0C0D_0E0FL, MacAddress.parse("a-b-c-d-e-f"));
    }

    @Test
    void macClassification() {
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isMulticast(MacAddress.parse("01:00:5e:00:00:01")));
        assertFalse(MacAddress.isMulticast(MacAddress.parse("02:00:00:00:00:01")));
        assertFalse(MacAddress.isBroadcast(MacAddress.parse("02:00:00:00:00:01")));
    }

    @Test
    void macParseRejects() {
        for (String s : new String[] {"", "02:00:00:00:00", "02:00:00:00:00:01:02", "0g:00:00:00:00:01", "002:00:00:00:00:01", "02::00:00:00:01"}) {
            assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(s), s);
        }
    }

    @Test
    void ipv4RoundTrip() {
        assertEquals(0xC612_0001, Ipv4Address.parse("198.18.0.1"));
        assertEquals("198.18.0.1", Ipv4Address.toString(0xC612_0001));
        assertEquals("255.255.255.255", Ipv4Address.toString(-1));
        assertEquals("0.0.0.0", Ipv4Address.toString(0));
        for (String s : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "a.b.c.d", "1..2.3", "1.2.3.4 x"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(s), s);
        }
    }

    @Test
    void ipv4Classification() {
        assertTrue(Ipv4Address.isBroadcast(Ipv4Address.parse("255.255.255.255")));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("224.0.0.1")));
        assertTrue(Ipv4Address.isMulticast(Ipv4Address.parse("239.255.255.255")));
        assertFalse(Ipv4Address.isMulticast(Ipv4Address.parse("240.0.0.1")));
        assertTrue(Ipv4Address.isLoopback(Ipv4Address.parse("127.0.0.1")));
        assertTrue(Ipv4Address.isUnspecified(0));
        assertEquals(0, Ipv4Address.prefixMask(0));
        assertEquals(-1, Ipv4Address.prefixMask(32));
        assertEquals(Ipv4Address.parse("255.255.255.0"), Ipv4Address.prefixMask(24));
        assertEquals(Ipv4Address.parse("255.254.0.0"), Ipv4Address.prefixMask(15));
        assertTrue(Ipv4Address.inSubnet(Ipv4Address.parse("198.19.200.1"), Ipv4Address.parse("198.18.0.0"), 15));
        assertFalse(Ipv4Address.inSubnet(Ipv4Address.parse("198.20.0.1"), Ipv4Address.parse("198.18.0.0"), 15));
        assertTrue(Ipv4Address.inSubnet(12345, 0, 0));
        assertEquals(Ipv4Address.parse("198.18.0.255"), Ipv4Address.directedBroadcast(Ipv4Address.parse("198.18.0.7"), 24));
        assertEquals(-1, Ipv4Address.directedBroadcast(0, 0));
    }
}
