package net.sloop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What {@code sloop --version} prints: the project's version (from the jar's manifest, or the
 * build's) and the commit it was built from, with "+changes" when the tree had uncommitted
 * changes (from {@code git.properties}, written at build time; "commit unknown" when the sources
 * were built outside a git checkout).
 */
final class Version implements CommandLine.IVersionProvider {
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    @Override
    public String[] getVersion() {
        return new String[] {line(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
    }

    static String line() {
        String v = Version.class.getPackage().getImplementationVersion();
        Properties git = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("git.properties")) {
            if (in != null) git.load(in);
        } catch (IOException e) {
            // no commit to report
        }
        String commit = git.getProperty("git.commit.id.abbrev", "");
        String when = git.getProperty("git.commit.time", "");
        String dirty = "true".equals(git.getProperty("git.dirty")) ? "+changes" : "";
        return "sloop " + (v != null ? v : FALLBACK) + (commit.isEmpty() ? " (commit unknown)" : " (commit " + commit + dirty
                + (when.isEmpty() ? "" : ", " + when) + ")");
    }
}
