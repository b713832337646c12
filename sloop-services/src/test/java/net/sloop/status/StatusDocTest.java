package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * docs/STATUS.md documents exactly the document the view writes: every member of a real document
 * (a stack with services, listeners and a connection mid-transfer) is in the schema's tables, and
 * every member the tables list is in the document (timers only when armed). The example in the
 * doc parses.
 */
class StatusDocTest {
    /** Object members whose names are data, not schema: normalised to the doc's placeholders. */
    private static final Map<String, String> PLACEHOLDERS = Map.of("categories", "<category>", "tcp.counters", "<counter>", "protocols", "<proto>",
            "protocols.<proto>", "<counter>", "drops", "<reason>", "services[].figures", "<figure>");

    @Test
    void theSchemaDocListsEveryMemberAndNoOther() throws Exception {
        String md = Files.readString(Path.of("docs/STATUS.md"));
        String schema = md.substring(0, md.indexOf("## Example"));
        Set<String> documented = new TreeSet<>(), optional = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|[^|]*\\|(.*)\\|$").matcher(schema);
        while (m.find()) {
            documented.add(m.group(1));
            if (m.group(2).contains("(when armed)")) optional.add(m.group(1));
        }
        assertTrue(documented.size() > 80, "members documented: " + documented.size());

        StatusNet n = new StatusNet(41, 256 * 1024);
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp(ServiceKind.ECHO).build());
        StatusView v = StatusView.open(n.server, StatusView.Config.defaults(), Sources.of(svc, null));
        n.sync();
        TcpSocket c = n.client.tcp().connect(StatusNet.SERVER, 7);
        assertTrue(n.runUntil(c::isConnected, Time.seconds(5)));
        byte[] d = new byte[20_000];
        int[] w = {0};
        assertTrue(n.runUntil(() -> {
            try {
                w[0] += c.write(d, w[0], d.length - w[0]);
            } catch (net.sloop.tcp.TcpException e) {
                throw new AssertionError(e);
            }
            return w[0] >= d.length;
        }, Time.seconds(5)));
        n.run(Time.millis(3)); // the handshake's last ACK and the first segments arrive
        ByteSink.Collect out = new ByteSink.Collect();
        v.json(0, out);
        Set<String> found = new TreeSet<>();
        leaves("", JsonReader.object(out.toString()), found);
        Set<String> undocumented = new TreeSet<>(found);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "members of the document missing from docs/STATUS.md");
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(found);
        missing.removeAll(optional);
        assertEquals(Set.of(), missing, "members docs/STATUS.md lists that the document lacks");

        String example = md.substring(md.indexOf("```json") + 7, md.indexOf("```", md.indexOf("```json") + 7));
        assertEquals(StatusJson.SCHEMA, JsonReader.object(example).get("schema"));
        c.abort();
        n.run(Time.seconds(61));
        v.close();
        svc.close();
    }

    @SuppressWarnings("unchecked")
    private static void leaves(String path, Object v, Set<String> out) {
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                String key = PLACEHOLDERS.getOrDefault(path, e.getKey());
                leaves(path.isEmpty() ? key : path + "." + key, e.getValue(), out);
            }
        } else if (v instanceof List<?> list) {
            for (Object o : list) leaves(path + "[]", o, out);
        } else {
            out.add(path);
        }
    }
}
