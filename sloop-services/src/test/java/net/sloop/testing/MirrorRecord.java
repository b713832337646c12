package net.sloop.testing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import net.sloop.ftp.client.FtpMirror;
import net.sloop.ftp.client.Outcome;

/**
 * What an {@link FtpMirror} reported, for tests to compare with the tree served: each file's
 * SHA-256 (hex) by path, the paths that failed and why, and the mirror once it has finished
 * (complete on the stack's thread; a test thread may wait on it).
 */
public final class MirrorRecord implements FtpMirror.Listener {
    public final Map<String, String> got = new TreeMap<>();
    public final List<String> failed = new ArrayList<>();
    public final CompletableFuture<FtpMirror> done = new CompletableFuture<>();

    @Override
    public void file(String path, long size, byte[] sha256) {
        got.put(path, HexFormat.of().formatHex(sha256));
    }

    @Override
    public void failed(String path, Outcome outcome) {
        failed.add(path + ": " + outcome);
    }

    @Override
    public void finished(FtpMirror mirror) {
        done.complete(mirror);
    }
}
