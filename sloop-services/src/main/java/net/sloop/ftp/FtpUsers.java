package net.sloop.ftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Configured FTP users with hashed passwords (PBKDF2WithHmacSHA256 from the JDK, salted).
 *
 * <p>The users file has one user per line; blank lines and lines starting with '#' are ignored:
 * <pre>
 *   NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH[:ro]
 * </pre>
 * SALT and HASH are standard Base64 (the hash is 32 bytes); NAME is 1..64 printable characters
 * other than ':'; a trailing ":ro" makes the user read-only. Produce a line with
 * {@code ./sloop ftp-passwd NAME} (reads the password from stdin) or {@link #line}.
 *
 * <p>Checking a password costs ITERATIONS rounds of HMAC on the stack's thread (a few
 * milliseconds at {@link #DEFAULT_ITERATIONS}); failed logins are delayed and limited per session
 * and per address by the server, so that cost cannot be used to stall it. An unknown user costs
 * the same as a known one (a dummy hash is checked), so timing does not tell which names exist.
 */
public final class FtpUsers {
    /** Iterations {@link #line} uses by default: a few ms per check, bounded by the login limits. */
    public static final int DEFAULT_ITERATIONS = 20_000;
    private static final String SCHEME = "pbkdf2-sha256";

    /** One user: the salted hash and whether it may change files. */
    record User(String name, int iterations, byte[] salt, byte[] hash, boolean readOnly) {}

    private final Map<String, User> users;
    private final User dummy;

    private FtpUsers(Map<String, User> users) {
        this.users = users;
        byte[] salt = new byte[16];
        this.dummy = new User("", DEFAULT_ITERATIONS, salt, new byte[32], true);
    }

    /** No configured users. */
    public static FtpUsers none() {
        return new FtpUsers(Map.of());
    }

    /** Parses users-file lines; throws {@link IllegalArgumentException} naming the first bad line ("line 3: ..."). */
    public static FtpUsers parse(List<String> lines) {
        Map<String, User> m = new HashMap<>();
        int no = 0;
        for (String raw : lines) {
            no++;
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] f = l.split(":", -1);
            if (f.length != 5 && f.length != 6) throw new IllegalArgumentException("line " + no + ": expected NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH[:ro]");
            String name = f[0];
            if (!validName(name)) throw new IllegalArgumentException("line " + no + ": bad user name '" + name + "'");
            if (!f[1].equals(SCHEME)) throw new IllegalArgumentException("line " + no + ": unknown scheme '" + f[1] + "' (only " + SCHEME + ")");
            int it;
            try {
                it = Integer.parseInt(f[2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + no + ": iterations '" + f[2] + "' is not a number");
            }
            if (it < 1 || it > 10_000_000) throw new IllegalArgumentException("line " + no + ": iterations must be 1..10000000");
            byte[] salt, hash;
            try {
                salt = Base64.getDecoder().decode(f[3]);
                hash = Base64.getDecoder().decode(f[4]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + no + ": salt or hash is not Base64");
            }
            if (salt.length < 8 || hash.length != 32) throw new IllegalArgumentException("line " + no + ": salt must be 8+ bytes and the hash 32 bytes");
            boolean ro = f.length == 6;
            if (ro && !f[5].equals("ro")) throw new IllegalArgumentException("line " + no + ": the sixth field may only be 'ro'");
            if (m.put(name, new User(name, it, salt, hash, ro)) != null) throw new IllegalArgumentException("line " + no + ": user '" + name + "' given twice");
        }
        return new FtpUsers(Map.copyOf(m));
    }

    /** Reads a users file (UTF-8). */
    public static FtpUsers load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static boolean validName(String name) {
        if (name.isEmpty() || name.length() > 64) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == ':' || c == 0x7f) return false;
        }
        return true;
    }

    /** A users-file line for {@code name} and {@code password}: fresh random salt, {@code iterations} rounds. */
    public static String line(String name, char[] password, int iterations) {
        if (!validName(name)) throw new IllegalArgumentException("bad user name '" + name + "' (1..64 printable characters, no ':')");
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive");
        if (password.length == 0) throw new IllegalArgumentException("an empty password");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations);
        return name + ":" + SCHEME + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":" + Base64.getEncoder().encodeToString(hash);
    }

    public int size() {
        return users.size();
    }

    /** The user if {@code password} is right, else null (the same work either way). */
    User check(String name, String password) {
        User u = users.get(name);
        User against = u != null ? u : dummy;
        char[] pw = password.isEmpty() ? new char[] {'\0'} : password.toCharArray(); // an empty password never matches, at the same cost
        byte[] h = pbkdf2(pw, against.salt(), against.iterations());
        java.util.Arrays.fill(pw, '\0');
        boolean ok = MessageDigest.isEqual(h, against.hash());
        return u != null && ok && !password.isEmpty() ? u : null;
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 missing from the JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
