package net.sloop.ftp.sim;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.sloop.fs.FsException;
import net.sloop.fs.MemoryFs;
import net.sloop.fs.WriteMode;

/**
 * A seeded directory tree written into a {@link MemoryFs}: {@code dirs} directories below the
 * root (each under a directory made before it, so the tree is deep as well as wide) and {@code
 * files} files of seeded random bytes spread among them. Sizes are drawn so that the total stays
 * reasonable while covering the whole range: one empty file and one of exactly {@code maxSize},
 * then 90 % up to 16 KiB, 9 % up to 256 KiB and 1 % up to {@code maxSize}. Keeps only each
 * file's path and SHA-256 (hex).
 */
public final class FtpTree {
    public final Map<String, String> sha256 = new TreeMap<>();
    public final List<String> directories = new ArrayList<>();
    public long bytes;
    public long largest;

    public FtpTree(MemoryFs fs, long seed, int dirs, int files, int maxSize) throws FsException {
        SplittableRandom rnd = new SplittableRandom(seed);
        directories.add("/");
        for (int d = 0; d < dirs; d++) {
            String parent = directories.get(rnd.nextInt(directories.size()));
            String path = (parent.equals("/") ? "" : parent) + "/dir" + d;
            fs.mkdir(path);
            directories.add(path);
        }
        byte[] buf = new byte[64 * 1024];
        MessageDigest md = digest();
        for (int f = 0; f < files; f++) {
            int size;
            if (f == 0) size = 0;
            else if (f == 1) size = maxSize;
            else {
                int p = rnd.nextInt(100);
                size = p < 90 ? rnd.nextInt(16 * 1024 + 1) : p < 99 ? rnd.nextInt(256 * 1024 + 1) : rnd.nextInt(maxSize + 1);
            }
            String dir = directories.get(rnd.nextInt(directories.size()));
            String path = (dir.equals("/") ? "" : dir) + "/file" + f + ".bin";
            var w = fs.openWrite(path, WriteMode.TRUNCATE, 0);
            for (int left = size; left > 0; ) {
                int n = Math.min(left, buf.length);
                for (int i = 0; i < n; i += 8) {
                    long v = rnd.nextLong();
                    for (int k = 0; k < 8 && i + k < n; k++) buf[i + k] = (byte) (v >>> (8 * k));
                }
                w.write(buf, 0, n);
                md.update(buf, 0, n);
                left -= n;
            }
            w.commit();
            sha256.put(path, HexFormat.of().formatHex(md.digest()));
            bytes += size;
            largest = Math.max(largest, size);
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
