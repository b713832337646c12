package net.sloop.dashboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.status.StatusView;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

/**
 * Sending a status document window by window allocates nothing: a held snapshot rendered again
 * for each 1 KiB window (the output buffer of serve at 128k), as an event and as the JSON, and the
 * page from its parts. Prints what a document costs in time.
 */
class DocumentSourceAllocationTest {
    @Test
    void documentsWindowByWindowAllocateNothing() {
        Stack stack = new Stack(StackConfig.builder().budget(128 * 1024).build());
        stack.budget().markBaseline();
        LeakCheck.track(stack.budget());
        StatusView view = StatusView.open(stack, StatusView.Config.defaults(), List.of());
        DocumentSource src = new DocumentSource();
        byte[] window = new byte[1024];
        byte[] pre = "data: ".getBytes(StandardCharsets.US_ASCII), post = "\n\n".getBytes(StandardCharsets.US_ASCII);
        byte[] base = "/status".getBytes(StandardCharsets.US_ASCII);
        Assets assets = Assets.get();
        long before = 0, after = 0, nanos = 0, bytes = 0;
        int docs = 500;
        for (int round = 0; round < 10; round++) {
            bytes = 0;
            long t0 = System.nanoTime();
            before = SteadyState.allocatedBytes();
            for (int i = 0; i < docs; i++) {
                view.snapshot(i);
                src.begin(view, DocumentSource.Kind.JSON, pre, post);
                for (int n; (n = src.fill(window, 0, window.length)) != -1; ) bytes += n;
                src.close();
                src.begin(view, DocumentSource.Kind.CSV, null, null);
                for (int n; (n = src.fill(window, 0, window.length)) != -1; ) bytes += n;
                src.close();
                src.page(assets.pageParts, base);
                for (int n; (n = src.fill(window, 0, window.length)) != -1; ) bytes += n;
                src.close();
            }
            after = SteadyState.allocatedBytes();
            nanos = System.nanoTime() - t0;
            if (after - before < 2000) break;
        }
        System.out.printf("status documents: %d event+CSV+page sets through 1 KiB windows (%d bytes), %d heap bytes allocated, %.1f us a set%n", docs, bytes,
                after - before, nanos / docs / 1e3);
        assertTrue(after - before < 2000, "allocated " + (after - before) + " bytes for " + docs + " documents");
        view.close();
    }
}
