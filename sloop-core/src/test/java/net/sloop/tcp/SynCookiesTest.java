package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

class SynCookiesTest {
    static final long K0 = 0x5eed_0000_c00c_1e01L, K1 = 0x0123_4567_89ab_cdefL;
    static final long SLOT = SynCookies.SLOT_NANOS;
    static final int L = 0xC6120001, R = 0xCB007101, LP = 80, RP = 51515, CISN = 0x1234_5678;
    final SynCookies cookies = new SynCookies(K0, K1);

    int make(long now, int mss) {
        return cookies.make(now, L, LP, R, RP, CISN, mss);
    }

    int check(long now, int cookie) {
        return cookies.check(now, L, LP, R, RP, CISN, cookie + 1);
    }

    @Test
    void roundTripForEveryTableEntry() {
        long now = 1_000 * SLOT + 17;
        for (int mss : SynCookies.MSS_TABLE) {
            int c = make(now, mss);
            assertEquals(mss, check(now, c), "mss " + mss);
            assertEquals(mss, check(now + SLOT - 18, c), "later in the same slot");
            assertEquals(mss, check(now + SLOT, c), "next slot");
        }
    }

    @Test
    void mssIsRoundedDownToTheTable() {
        long now = 5 * SLOT;
        assertEquals(536, check(now, make(now, 100)), "below the table: its smallest entry");
        assertEquals(536, check(now, make(now, 1219)));
        assertEquals(1220, check(now, make(now, 1220)));
        assertEquals(1440, check(now, make(now, 1451)));
        assertEquals(1460, check(now, make(now, 1500)));
        assertEquals(4312, check(now, make(now, 8000)));
        assertEquals(8960, check(now, make(now, 65535)));
        for (int i = 0; i < SynCookies.MSS_TABLE.length; i++) assertEquals(i, SynCookies.mssIndex(SynCookies.MSS_TABLE[i]));
    }

    @Test
    void layoutCarriesCounterAndMssIndexInTheTopByte() {
        long now = 37 * SLOT;
        int c = make(now, 1460);
        assertEquals(37 & 31, c >>> 27);
        assertEquals(SynCookies.mssIndex(1460), (c >>> 24) & 7);
    }

    @Test
    void wrongTupleIsnOrAckIsRejected() {
        long now = 77 * SLOT + 5;
        int c = make(now, 1460);
        assertEquals(1460, cookies.check(now, L, LP, R, RP, CISN, c + 1));
        assertEquals(0, cookies.check(now, L + 1, LP, R, RP, CISN, c + 1), "local address");
        assertEquals(0, cookies.check(now, L, LP + 1, R, RP, CISN, c + 1), "local port");
        assertEquals(0, cookies.check(now, L, LP, R ^ 0x100, RP, CISN, c + 1), "remote address");
        assertEquals(0, cookies.check(now, L, LP, R, RP - 1, CISN, c + 1), "remote port");
        assertEquals(0, cookies.check(now, L, LP, R, RP, CISN + 1, c + 1), "client ISN");
        assertEquals(0, cookies.check(now, L, LP, R, RP, CISN, c), "ack not cookie + 1");
        assertEquals(0, cookies.check(now, L, LP, R, RP, CISN, c + 2));
        for (int bit = 0; bit < 32; bit++) {
            assertEquals(0, cookies.check(now, L, LP, R, RP, CISN, (c ^ (1 << bit)) + 1), "bit " + bit + " flipped");
        }
        assertEquals(0, new SynCookies(K0 + 1, K1).check(now, L, LP, R, RP, CISN, c + 1), "another key");
    }

    @Test
    void mssIndexCannotBeAlteredByTheClient() {
        long now = 9 * SLOT;
        int c = make(now, 536);
        for (int i = 1; i < 8; i++) assertEquals(0, check(now, c & ~(7 << 24) | i << 24), "index " + i);
    }

    @Test
    void expiresAfterTheAllowedSlots() {
        long made = 400 * SLOT + SLOT / 2;
        int c = make(made, 1460);
        assertEquals(1460, check(made, c));
        assertEquals(1460, check(401 * SLOT + SLOT - 1, c), "last instant of the next slot");
        assertEquals(0, check(402 * SLOT, c), "two slots on");
        assertEquals(0, check(made + 31 * SLOT, c));
        assertEquals(0, check(made - SLOT, c), "from the future");
        // A counter that has gone all the way round (32 slots) names the same 5 bits, but the MAC covers the full counter.
        assertEquals(0, check(made + 32 * SLOT, c));
        assertEquals(0, check(made + 33 * SLOT, c));

        SynCookies one = new SynCookies(K0, K1, 1);
        int c1 = one.make(made, L, LP, R, RP, CISN, 1460);
        assertEquals(1460, one.check(made, L, LP, R, RP, CISN, c1 + 1));
        assertEquals(0, one.check(401 * SLOT, L, LP, R, RP, CISN, c1 + 1));

        SynCookies four = new SynCookies(K0, K1, 4);
        int c4 = four.make(made, L, LP, R, RP, CISN, 1460);
        assertEquals(1460, four.check(403 * SLOT + SLOT - 1, L, LP, R, RP, CISN, c4 + 1));
        assertEquals(0, four.check(404 * SLOT, L, LP, R, RP, CISN, c4 + 1));

        assertThrows(IllegalArgumentException.class, () -> new SynCookies(K0, K1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SynCookies(K0, K1, 17));
    }

    @Test
    void counterWrapsAround() {
        // Made in slot 31 (5-bit counter 31), checked in slot 32 (counter 0): age 1, valid.
        int c = make(31 * SLOT, 1440);
        assertEquals(31, c >>> 27);
        assertEquals(1440, check(32 * SLOT, c));
        assertEquals(0, check(33 * SLOT, c));
        // Around the 32-bit wrap of the slot counter itself, and across zero (negative clocks).
        long top = (1L << 32) * SLOT;
        int d = make(top - 1, 1460);
        assertEquals(1460, check(top, d));
        int e = make(-1, 1460);
        assertEquals(1460, check(0, e));
        assertEquals(1460, check(SLOT - 1, e));
        assertEquals(0, check(SLOT, e));
        // Every slot over several wraps of the 5-bit counter.
        for (long t = 0; t < 100; t++) {
            int x = make(t * SLOT + 1, 1220);
            assertEquals(1220, check(t * SLOT + 1, x));
            assertEquals(1220, check((t + 1) * SLOT + 1, x));
            assertEquals(0, check((t + 2) * SLOT + 1, x));
        }
    }

    @Test
    void randomAcksAreAlmostNeverAccepted() {
        // A blind attacker's ack is accepted with probability 2/32 * 2^-24, about 3.7e-9.
        Random r = new Random(4987);
        long now = 123 * SLOT;
        int accepted = 0;
        for (int i = 0; i < 1_000_000; i++) {
            if (cookies.check(now, L, LP, R, RP, r.nextInt(), r.nextInt()) != 0) accepted++;
        }
        assertEquals(0, accepted);
        // With the time bits right (one slot known), each guess is a 2^-24 chance: none in a million.
        int top = make(now, 1460) & 0xFF00_0000;
        for (int i = 0; i < 1_000_000; i++) {
            if (check(now, top | r.nextInt(1 << 24)) != 0) accepted++;
        }
        assertEquals(0, accepted);
    }

    @Test
    void exactlyOneMacInTwoToThe24IsAccepted() {
        // For a given tuple, client ISN, slot and MSS index, the MAC space is 2^24: exactly one value passes.
        long now = 2024 * SLOT;
        int c = make(now, 1460);
        int top = c & 0xFF00_0000;
        int accepted = 0, which = -1;
        for (int mac = 0; mac < 1 << 24; mac++) {
            if (check(now, top | mac) != 0) {
                accepted++;
                which = top | mac;
            }
        }
        assertEquals(1, accepted);
        assertEquals(c, which);
    }

    @Test
    void makeAndCheckAllocateNothing() {
        long sink = 0;
        for (int i = 0; i < 100_000; i++) sink += check(i * 1000L, make(i * 1000L, 1460));
        long before = SteadyState.allocatedBytes();
        for (int i = 0; i < 100_000; i++) sink += check(i * 1000L, make(i * 1000L, 1460));
        long allocated = SteadyState.allocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes (" + sink + ")");
    }
}
