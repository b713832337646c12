package net.sloop.testing;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;

/**
 * A link for packet-level tests: every frame the stack transmits is kept for the test to inspect,
 * and the test injects frames as if they arrived. Two capture links can be {@link #pipe piped}
 * to each other by a test that moves frames explicitly.
 */
public final class CaptureLink implements Link {
    private final String name;
    private final Kind kind;
    private final long mac;
    private final int mtu;
    private final Deque<byte[]> sent = new ArrayDeque<>();
    private FrameReceiver receiver;
    private final boolean receiveOffload;

    public CaptureLink(String name, Kind kind, long mac, int mtu) {
        this(name, kind, mac, mtu, false);
    }

    /** With {@code receiveOffload}, the link may deliver frames longer than its MTU (GSO, as TUN/TAP with virtio-net headers). */
    public CaptureLink(String name, Kind kind, long mac, int mtu, boolean receiveOffload) {
        this.name = name;
        this.kind = kind;
        this.mac = mac;
        this.mtu = mtu;
        this.receiveOffload = receiveOffload;
    }

    @Override public boolean receiveOffload() { return receiveOffload; }

    @Override public Kind kind() { return kind; }
    @Override public int mtu() { return mtu; }
    @Override public long mac() { return mac; }
    @Override public String name() { return name; }
    @Override public void attach(FrameReceiver r) { receiver = r; }

    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        sent.add(frame.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        return true;
    }

    /** Frames transmitted and not yet taken. */
    public Deque<byte[]> sent() {
        return sent;
    }

    /** The oldest frame transmitted, removed; null if none. */
    public byte[] take() {
        return sent.poll();
    }

    /** Delivers a frame to the stack as if it arrived on the wire. */
    public void inject(long now, byte[] frame) {
        receiver.receive(now, MemorySegment.ofArray(frame), 0, frame.length);
    }

    /** Moves every frame sent on {@code from} to {@code to}; returns how many. */
    public static int pipe(long now, CaptureLink from, CaptureLink to) {
        int n = 0;
        byte[] f;
        while ((f = from.take()) != null) {
            to.inject(now, f);
            n++;
        }
        return n;
    }
}
