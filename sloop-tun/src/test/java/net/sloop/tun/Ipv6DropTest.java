package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import net.sloop.link.Link;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * What Linux sends on an interface it has just brought up, before anyone speaks IPv4: a router
 * solicitation to ff02::2 and an MLDv2 report to ff02::16 (with its hop-by-hop router alert),
 * from a link-local address. Bare on an IP link (TUN), in Ethernet frames to 33:33:... on an
 * Ethernet link (TAP). Each is counted as IPV6_UNSUPPORTED, answers nothing, and costs no block.
 */
class Ipv6DropTest {
    static final byte[] RS_IP = hex("6000000000103afffe8000000000000000534cfffe000001ff0200000000000000000000000000028500e28500000000010102534c000001");
    static final byte[] MLD_IP = hex("6000000000240001fe8000000000000000534cfffe000001ff0200000000000000000000000000163a000502000001008f0025b40000000104000000ff0200000000000000000001ff000001");
    static final byte[] RS_ETH = hex("33330000000202534c00000186dd" + HexFormat.of().formatHex(RS_IP));
    static final byte[] MLD_ETH = hex("33330000001602534c00000186dd" + HexFormat.of().formatHex(MLD_IP));

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void routerSolicitationAndMldReportOnAnIpLinkAreCountedAndDropped() {
        feed(Link.Kind.IP, 0, RS_IP, MLD_IP);
    }

    @Test
    void routerSolicitationAndMldReportOnAnEthernetLinkAreCountedAndDropped() {
        feed(Link.Kind.ETHERNET, 0x02_53_4c_00_00_02L, RS_ETH, MLD_ETH);
    }

    private static void feed(Link.Kind kind, long mac, byte[]... frames) {
        assertEquals(6, RS_IP[0] >> 4);
        assertEquals(16 + 40, RS_IP.length);
        assertEquals(36 + 40, MLD_IP.length);
        Stack st = new Stack(StackConfig.builder().budget(64 * 1024).build());
        LeakCheck.track(st.budget());
        LeakCheck.closeLater(st);
        CaptureLink link = new CaptureLink("t0", kind, mac, 1500);
        st.addInterface(link, Ipv4Address.parse("198.18.0.2"), 24);
        for (int round = 1; round <= 3; round++) {
            for (byte[] f : frames) link.inject(round * 1_000_000L, f);
            assertEquals((long) round * frames.length, st.stats().drops(DropReason.IPV6_UNSUPPORTED), st::report);
            assertEquals((long) round * frames.length, st.stats().totalDrops(), st::report);
            assertEquals((long) round * frames.length, st.stats().get(Proto.IPV6, net.sloop.stats.Counter.DROPPED), st::report);
        }
        assertTrue(link.sent().isEmpty(), "nothing answered");
        assertEquals(0, st.budget().peak(Category.RX), "dropped before it cost a receive block");
        assertEquals(0, st.stats().get(Proto.IPV4, net.sloop.stats.Counter.RECEIVED));
        assertEquals("", st.budget().leakReport());
    }
}
