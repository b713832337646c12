package net.sloop.tcp;

/**
 * SYN cookies (RFC 4987 §3.6): when a listener's backlog is full, the server answers a SYN
 * without keeping any state and encodes what it must remember in its own initial sequence
 * number, which the client echoes back (plus one) in the acknowledgment of its final ACK.
 *
 * <p>The 32-bit cookie, most significant bit first:
 * <pre>
 *   31      27 26  24 23                                    0
 *  +----------+------+---------------------------------------+
 *  | t mod 32 | mss  |  MAC: low 24 bits of SipHash-2-4      |
 *  +----------+------+---------------------------------------+
 * </pre>
 * <ul>
 *   <li>{@code t}: a counter of 64-second slots, {@code floor(now / 64 s)}, of which the cookie
 *       carries the low 5 bits. A cookie is accepted only if it was made in one of the last
 *       {@code validSlots} slots (2 by default: the current and the previous one, so a cookie
 *       lives between 64 and 128 seconds).</li>
 *   <li>{@code mss}: an index into {@link #MSS_TABLE}, the largest entry not above the MSS the
 *       client offered (the smallest entry, 536, if it offered less: RFC 9293 §3.7.1's default).</li>
 *   <li>MAC: SipHash-2-4 (keyed with a secret of its own, not the ISN key) over the 20 bytes
 *       local address, local port, remote address, remote port, client ISN, and a word holding
 *       the slot counter {@code t} (its low 29 bits, not only the 5 the cookie carries) and the
 *       MSS index. Including the wider counter means a cookie whose 5-bit counter has wrapped
 *       around does not verify (but for the 2^-24 chance of any forgery); including the index
 *       means the MSS cannot be altered.</li>
 * </ul>
 *
 * <p>A random acknowledgment number is accepted with probability {@code validSlots/32 * 2^-24}
 * (about 3.7e-9 with the defaults); an attacker who knows the slot still needs a 2^-24 guess.
 *
 * <p>What a cookie does not carry: the client's window scale, SACK-permitted and timestamp
 * options. A connection established from a cookie therefore uses no window scaling (RFC 7323
 * §2.2: both sides must have sent the option), no SACK and no timestamps; it works, with a send
 * window of at most 64 KiB. (Linux hides these options in the low bits of the TCP timestamp it
 * sends; this is not done here.)
 *
 * <p>No clock is read and nothing is allocated: time is passed in (nanoseconds).
 */
public final class SynCookies {
    /**
     * MSS values a cookie can encode (3 bits). 536: the IPv4 default (RFC 9293 §3.7.1); 1220: a
     * 1280-byte path (the IPv6 minimum MTU, tunnels); 1380: VPN and tunnel paths; 1440: PPPoE and
     * common middlebox clamping; 1452: PPPoE (1492-byte MTU); 1460: Ethernet; 4312: 4352-byte
     * FDDI/Token Ring MTUs; 8960: 9000-byte jumbo frames.
     */
    public static final int[] MSS_TABLE = {536, 1220, 1380, 1440, 1452, 1460, 4312, 8960};

    /** Length of a time slot: 64 seconds (RFC 4987 §3.6). */
    public static final long SLOT_NANOS = 64_000_000_000L;

    private static final int MAC_MASK = 0x00FF_FFFF;

    private final long k0;
    private final long k1;
    private final int validSlots;

    /** Cookies valid for the current and the previous 64-second slot. */
    public SynCookies(long k0, long k1) {
        this(k0, k1, 2);
    }

    /**
     * @param k0 first half of the MAC's 128-bit secret key (drawn from {@code SecureRandom}; not
     *     the key of the {@link IsnGenerator})
     * @param validSlots how many 64-second slots a cookie stays valid: 1 (the current slot only)
     *     to 16
     */
    public SynCookies(long k0, long k1, int validSlots) {
        if (validSlots < 1 || validSlots > 16) throw new IllegalArgumentException("valid slots " + validSlots + " must be 1 to 16");
        this.k0 = k0;
        this.k1 = k1;
        this.validSlots = validSlots;
    }

    public int validSlots() {
        return validSlots;
    }

    /** The index in {@link #MSS_TABLE} a client's MSS is encoded as: the largest entry not above it, else 0. */
    public static int mssIndex(int mss) {
        for (int i = MSS_TABLE.length - 1; i > 0; i--) {
            if (mss >= MSS_TABLE[i]) return i;
        }
        return 0;
    }

    /**
     * Our ISN for a SYN-ACK answering, without keeping state, a SYN from {@code raddr:rport} to
     * {@code laddr:lport} with initial sequence number {@code clientIsn} and MSS option {@code mss}
     * (536 if it had none; the caller may first lower it to what this host can receive).
     */
    public int make(long now, int laddr, int lport, int raddr, int rport, int clientIsn, int mss) {
        int t = slot(now);
        int index = mssIndex(mss);
        return (t & 31) << 27 | index << 24 | mac(t, index, laddr, lport, raddr, rport, clientIsn);
    }

    /**
     * Checks the ACK completing a handshake answered with {@link #make}: {@code clientIsn} is the
     * sequence number of the ACK minus one (the client's ISN), {@code ackNumber} its
     * acknowledgment number, so {@code ackNumber - 1} must be a cookie made for this 4-tuple and
     * client ISN no more than {@code validSlots - 1} slots ago. Returns the MSS the cookie encodes
     * (greater than 0), or 0 if it is not valid.
     */
    public int check(long now, int laddr, int lport, int raddr, int rport, int clientIsn, int ackNumber) {
        int cookie = ackNumber - 1;
        int tNow = slot(now);
        int age = (tNow - (cookie >>> 27)) & 31;
        if (age >= validSlots) return 0;
        int t = tNow - age;
        int index = (cookie >>> 24) & 7;
        if ((cookie & MAC_MASK) != mac(t, index, laddr, lport, raddr, rport, clientIsn)) return 0;
        return MSS_TABLE[index];
    }

    /** The slot counter at {@code now}, truncated to 32 bits (it wraps after 8,700 years). */
    static int slot(long now) {
        return (int) Math.floorDiv(now, SLOT_NANOS);
    }

    private int mac(int t, int index, int laddr, int lport, int raddr, int rport, int clientIsn) {
        long h = IsnGenerator.sipHash24(k0, k1, laddr, (lport << 16) | (raddr >>> 16), (raddr << 16) | (rport & 0xFFFF),
                clientIsn, t << 3 | index);
        return (int) h & MAC_MASK;
    }
}
