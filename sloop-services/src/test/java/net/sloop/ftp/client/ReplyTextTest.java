package net.sloop.ftp.client;

import static org.junit.jupiter.api.Assertions.*;

import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The reply texts the client reads: 227 (RFC 959 §4.1.2), 229 (RFC 2428 §3), 257 (RFC 959 Appendix II), 213 (RFC 3659 §4). */
class ReplyTextTest {
    @Test
    void pasv() {
        long hp = FtpClient.parsePasv("Entering Passive Mode (198,18,0,2,195,80).");
        assertEquals(Ipv4Address.parse("198.18.0.2") & 0xFFFF_FFFFL, hp >>> 16);
        assertEquals(195 * 256 + 80, hp & 0xFFFF);
        // RFC 1123 §4.1.2.6: servers without parentheses.
        assertEquals(4 * 256 + 1, FtpClient.parsePasv("Entering Passive Mode 10,0,0,1,4,1") & 0xFFFF);
        // Numbers before the six are skipped.
        assertEquals(1025, FtpClient.parsePasv("227 on 2 ports =10,1,2,3,4,1") & 0xFFFF);
        assertEquals(-1, FtpClient.parsePasv("Entering Passive Mode"));
        assertEquals(-1, FtpClient.parsePasv("(1,2,3,4,5)"));
        assertEquals(-1, FtpClient.parsePasv("(300,2,3,4,5,6)"));
        assertEquals(-1, FtpClient.parsePasv("(1,2,3,4,0,0)"), "port 0");
    }

    @Test
    void epsv() {
        assertEquals(6446, FtpClient.parseEpsv("Entering Extended Passive Mode (|||6446|)"));
        assertEquals(6446, FtpClient.parseEpsv("Entering Extended Passive Mode (!!!6446!)"), "any delimiter (RFC 2428 §3)");
        assertEquals(-1, FtpClient.parseEpsv("Entering Extended Passive Mode (|||6446)"));
        assertEquals(-1, FtpClient.parseEpsv("(|||0|)"));
        assertEquals(-1, FtpClient.parseEpsv("(|||70000|)"));
        assertEquals(-1, FtpClient.parseEpsv("no port"));
    }

    @Test
    void quotedPath() {
        assertEquals("/usr/dm", FtpClient.quotedPath("\"/usr/dm\" created."));
        assertEquals("/usr/dm/\"quoted\"", FtpClient.quotedPath("\"/usr/dm/\"\"quoted\"\"\" is current directory."));
        assertEquals("/a b", FtpClient.quotedPath("\"/a b\""));
        assertNull(FtpClient.quotedPath("no quotes"));
        assertNull(FtpClient.quotedPath("\"unterminated"));
    }

    @Test
    void size() {
        assertEquals(123456789012L, FtpClient.parseSize("123456789012"));
        assertEquals(0, FtpClient.parseSize("0"));
        assertEquals(-1, FtpClient.parseSize("abc"));
        assertEquals(-1, FtpClient.parseSize("99999999999999999999999"));
    }
}
