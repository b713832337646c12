package net.sloop.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.status.ByteSink;
import net.sloop.status.StatusView;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** Documents rendered window by window from a held snapshot: whole, consistent, cut when the hold breaks. */
class DocumentSourceTest {
    private static Stack stack() {
        Stack s = new Stack(StackConfig.builder().budget(128 * 1024).build());
        s.budget().markBaseline();
        LeakCheck.track(s.budget());
        return s;
    }

    private static byte[] drain(DocumentSource src, int window) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[window + 7];
        for (int n; (n = src.fill(buf, 7, window)) != -1; ) {
            assertTrue(n >= 1 && n <= window, "a fill gives 1.." + window + " bytes: " + n);
            out.write(buf, 7, n);
        }
        return out.toByteArray();
    }

    @Test
    void windowsOfAnySizeMakeTheWholeDocument() {
        Stack stack = stack();
        StatusView view = StatusView.open(stack, StatusView.Config.defaults(), List.of());
        view.sampleIfDue(1_000);
        view.snapshot(1_000);
        ByteSink.Collect whole = new ByteSink.Collect();
        view.writeJson(whole);
        ByteSink.Collect csv = new ByteSink.Collect();
        view.writeCsv(csv);
        byte[] pre = "data: ".getBytes(StandardCharsets.US_ASCII), post = "\n\n".getBytes(StandardCharsets.US_ASCII);
        for (int window : new int[] {1, 7, 255, 256, 1000, 4096, 1 << 20}) {
            DocumentSource s = new DocumentSource().begin(view, DocumentSource.Kind.JSON, null, null);
            assertArrayEquals(whole.toByteArray(), drain(s, window), "window " + window);
            s.close();
            s.begin(view, DocumentSource.Kind.JSON, pre, post);
            assertEquals("data: " + whole + "\n\n", new String(drain(s, window), StandardCharsets.US_ASCII));
            s.close();
            s.begin(view, DocumentSource.Kind.CSV, null, null);
            assertArrayEquals(csv.toByteArray(), drain(s, window));
            s.close();
            assertFalse(s.inUse);
        }
        for (int window : new int[] {1, 100, 1 << 16}) {
            String page = new String(drain(new DocumentSource().page(Assets.get().pageParts, "/sloop/live".getBytes(StandardCharsets.US_ASCII)), window),
                    StandardCharsets.UTF_8);
            assertEquals(Assets.get().page("/sloop/live"), page);
            assertTrue(page.contains("data-base=\"/sloop/live\"") && page.contains("href=\"/sloop/live/" + Assets.get().cssName + "\""), page);
            assertFalse(page.contains("{{"), "every placeholder filled");
        }
        byte[] asset = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(asset, drain(new DocumentSource().asset(asset), 33));
        view.close();
    }

    @Test
    void aHoldKeepsTheSnapshotForItsReadersAndEndsWithThem() {
        Stack stack = stack();
        StatusView view = StatusView.open(stack, StatusView.Config.defaults(), List.of());
        long first = view.snapshot(1_000).sequence;
        DocumentSource a = new DocumentSource().begin(view, DocumentSource.Kind.JSON, null, null);
        byte[] buf = new byte[100];
        assertEquals(100, a.fill(buf, 0, 100));
        // another reader (the status socket) wants a snapshot meanwhile: it gets the held one
        assertEquals(first, view.snapshot(2_000).sequence);
        assertFalse(view.sampleIfDue(2_000), "the history waits while held");
        ByteSink.Collect c = new ByteSink.Collect();
        view.writeJson(c);
        String rest = new String(drain(a, 100), StandardCharsets.US_ASCII);
        assertEquals(c.toString(), new String(buf, StandardCharsets.US_ASCII) + rest, "the reader's document is the held snapshot's");
        a.close();
        a.close(); // once only
        assertEquals(first + 1, view.snapshot(3_000).sequence, "released: a new snapshot");
        assertTrue(view.sampleIfDue(3_000));
        view.close();
    }

    @Test
    void aBrokenHoldCutsTheDocument() {
        Stack stack = stack();
        StatusView view = StatusView.open(stack, StatusView.Config.defaults(), List.of());
        view.snapshot(1_000);
        DocumentSource a = new DocumentSource().begin(view, DocumentSource.Kind.JSON, null, null);
        byte[] buf = new byte[100];
        a.fill(buf, 0, 100);
        assertTrue(view.reclaim(), "the view gives its rows back for an admission");
        assertEquals(1, view.holdsBroken());
        assertThrows(IllegalStateException.class, () -> a.fill(buf, 0, 100));
        assertTrue(a.failed);
        a.close();
        // a hold past its limit is broken by the next snapshot wanted
        view.snapshot(1_000);
        DocumentSource b = new DocumentSource().begin(view, DocumentSource.Kind.JSON, null, null);
        long seq = view.last().sequence;
        stack.advance(stack.time() + StatusView.HOLD_LIMIT_NANOS - 1);
        assertEquals(seq, view.snapshot(1_000).sequence);
        stack.advance(stack.time() + Time.millis(1));
        assertEquals(seq + 1, view.snapshot(1_000).sequence);
        assertThrows(IllegalStateException.class, () -> b.fill(buf, 0, 100));
        b.close();
        view.close();
    }
}
