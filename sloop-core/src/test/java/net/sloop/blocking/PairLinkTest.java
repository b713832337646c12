package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import net.sloop.link.Link;
import net.sloop.link.PairLink;
import org.junit.jupiter.api.Test;

/** PairLink: what one end sends, the other end's receiver gets on that end's poll; bounded. */
class PairLinkTest {
    @Test
    void framesCrossOnTheReceiversPollAndAFullQueueDrops() {
        PairLink[] p = PairLink.pair("t", 100, 3 * 104);
        assertEquals(Link.Kind.IP, p[0].kind());
        assertSame(p[1], p[0].peer());
        List<String> atA = new ArrayList<>(), atB = new ArrayList<>();
        p[0].attach((now, src, off, len) -> atA.add(new String(src.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))));
        p[1].attach((now, src, off, len) -> atB.add(new String(src.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))));
        byte[] hello = "hello".getBytes();
        assertTrue(p[0].transmit(1, MemorySegment.ofArray(hello), 0, hello.length));
        assertFalse(p[0].pending(), "the frame waits at the other end");
        assertTrue(p[1].pending());
        assertEquals(0, p[0].poll(1));
        assertEquals(1, p[1].poll(1));
        assertEquals(List.of("hello"), atB);
        assertTrue(atA.isEmpty());
        byte[] big = new byte[100];
        for (int i = 0; i < 3; i++) assertTrue(p[1].transmit(2, MemorySegment.ofArray(big), 0, 100));
        assertFalse(p[1].transmit(2, MemorySegment.ofArray(big), 0, 100), "queue full");
        assertFalse(p[1].transmit(2, MemorySegment.ofArray(new byte[101]), 0, 101), "longer than the MTU");
        assertEquals(2, p[0].dropped());
        assertEquals(3, p[0].queued());
        assertEquals(3, p[0].poll(3));
        assertEquals(3, atA.size());
        assertFalse(p[0].pending());
    }
}
