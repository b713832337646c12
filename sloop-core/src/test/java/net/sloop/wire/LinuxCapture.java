package net.sloop.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loads linux-capture.txt: frames captured from the Linux kernel (see the file's header). */
final class LinuxCapture {
    private LinuxCapture() {}

    /** Each element is {label, hex}, in capture order. */
    static List<String[]> frames() {
        var in = LinuxCapture.class.getResourceAsStream("linux-capture.txt");
        if (in == null) {
            throw new IllegalStateException("linux-capture.txt missing from test resources");
        }
        List<String[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.indexOf(' ');
                out.add(new String[] {line.substring(0, sp), line.substring(sp + 1).strip()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static byte[] frame(String label) {
        for (String[] f : frames()) {
            if (f[0].equals(label)) {
                return Hex.bytes(f[1]);
            }
        }
        throw new IllegalArgumentException("no frame " + label);
    }
}
