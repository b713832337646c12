package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.sloop.wire.MacAddress;
import org.junit.jupiter.api.Test;

/** Runs anywhere: struct ifreq encoding, errno text, MAC choice, the ioctl numbers. */
class TunUnitTest {
    @Test
    void ifreqHoldsTheNameThenTheFlagsAtOffset16() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(IfReq.SIZE);
            req.fill((byte) 0x55);
            IfReq.encode(req, "sloop0", TunAbi.IFF_TAP | TunAbi.IFF_NO_PI);
            byte[] b = req.toArray(ValueLayout.JAVA_BYTE);
            assertEquals(40, b.length);
            assertEquals("sloop0", new String(b, 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 6; i < 16; i++) assertEquals(0, b[i], "name padded with NULs");
            short flags = (short) (TunAbi.IFF_TAP | TunAbi.IFF_NO_PI); // 0x1002, native order
            boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
            assertEquals(little ? 0x02 : 0x10, b[16]);
            assertEquals(little ? 0x10 : 0x02, b[17]);
            for (int i = 18; i < 40; i++) assertEquals(0, b[i], "rest of the union zeroed");
            assertEquals(flags & 0xffff, IfReq.flags(req));
            assertEquals("sloop0", IfReq.name(req));
        }
    }

    @Test
    void fifteenByteNamesFitAndLongerOrOddOnesAreRefused() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(IfReq.SIZE);
            IfReq.encode(req, "abcdefghijklmno", TunAbi.IFF_TUN);
            assertEquals("abcdefghijklmno", IfReq.name(req));
            assertEquals(0, req.get(ValueLayout.JAVA_BYTE, 15));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> IfReq.checkName("abcdefghijklmnop"));
        assertTrue(e.getMessage().contains("at most 15"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IfReq.checkName("a/b"));
        assertThrows(IllegalArgumentException.class, () -> IfReq.checkName("a b"));
        assertThrows(IllegalArgumentException.class, () -> IfReq.checkName(".."));
        assertThrows(IllegalArgumentException.class, () -> IfReq.checkName("tün0"));
        IfReq.checkName(""); // the kernel picks
    }

    @Test
    void hwaddrIsReadFromSaData() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment req = a.allocate(IfReq.SIZE);
            byte[] mac = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x00, 0x01};
            MemorySegment.copy(mac, 0, req, ValueLayout.JAVA_BYTE, IfReq.HWADDR_OFFSET, 6);
            assertEquals(0xdeadbeef0001L, IfReq.hwaddr(req));
        }
    }

    @Test
    void ioctlNumbersFollowTheIowEncoding() {
        assertEquals(iow('T', 202, 4), TunAbi.TUNSETIFF);
        assertEquals(iow('T', 203, 4), TunAbi.TUNSETPERSIST);
        assertEquals(iow('T', 208, 4), TunAbi.TUNSETOFFLOAD);
        assertEquals(iow('T', 216, 4), TunAbi.TUNSETVNETHDRSZ);
        assertEquals(2L << 30 | 4 << 16 | 'T' << 8 | 210, TunAbi.TUNGETIFF);
    }

    private static long iow(char type, int nr, int size) {
        return 1L << 30 | (long) size << 16 | type << 8 | nr;
    }

    @Test
    void errnoMessagesNameTheCallTheErrorAndTheRemedy() {
        assertEquals("Operation not permitted (EPERM)", Errno.describe(Errno.EPERM));
        assertEquals("Resource temporarily unavailable (EAGAIN)", Errno.describe(Errno.EAGAIN));
        assertEquals("EBADFD", Errno.name(77));
        var e = new ErrnoException("open /dev/net/tun", Errno.EPERM, TunLink.openHint(Errno.EPERM));
        assertEquals("open /dev/net/tun: Operation not permitted (EPERM): needs CAP_NET_ADMIN (run as root, or grant the capability)", e.getMessage());
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(new ErrnoException("open /dev/net/tun", Errno.ENOENT, TunLink.openHint(Errno.ENOENT)).getMessage().contains("modprobe tun"));
        assertTrue(new ErrnoException("ioctl TUNSETIFF x TAP", Errno.EBUSY, TunLink.setIffHint(Errno.EBUSY)).getMessage()
                .startsWith("ioctl TUNSETIFF x TAP: Device or resource busy (EBUSY): "));
        // A number not in the table falls back to libc's strerror, with the number.
        String other = Errno.describe(113);
        assertTrue(other.endsWith("(errno 113)"), other);
        assertTrue(other.length() > "(errno 113)".length() + 3, other);
    }

    @Test
    void theStackMacIsLocallyAdministeredUnicastAndNotTheDevices() {
        for (long seed = 0; seed < 1000; seed++) {
            long m = TunLink.localMac(seed * 0x9E3779B97F4A7C15L, 0);
            assertEquals(0x02, m >>> 40, MacAddress.toString(m));
            assertTrue(!MacAddress.isMulticast(m));
            assertNotEquals(m, TunLink.localMac(seed * 0x9E3779B97F4A7C15L, m));
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyDeviceIsTouched() {
        assertThrows(IllegalArgumentException.class, () -> TunLink.open("x", TunLink.Mode.TUN, 67, 0));
        assertThrows(IllegalArgumentException.class, () -> TunLink.open("x", TunLink.Mode.TAP, 1500, 0x01_00_00_00_00_01L));
        assertThrows(IllegalArgumentException.class, () -> TunLink.open("much-too-long-name", TunLink.Mode.TUN));
        assertThrows(IllegalArgumentException.class, () -> HostNet.checkNamespace("../etc"));
    }
}
