package net.sloop.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A project of a user's own, outside this repository: a throwaway Maven project that depends on
 * the installed {@code net.sloop:sloop-core} and {@code net.sloop:sloop-tun} artifacts (what
 * {@code mvn install} put in the local repository; {@code ./test} runs {@code mvn install}, so a
 * module's artifacts are installed before the tests of the modules above it run), holds every
 * program in examples/ as its sources and the JUnit example as its test, and builds with the
 * same {@code mvn} a user has: compiling every example against the artifacts and running the
 * JUnit example in the project's own build. {@link #modulePath()} is then the project's runtime
 * dependencies, the Sloop jars as a user's build resolves them, which {@link ExamplesTest} runs
 * every example against, as named modules.
 */
final class InstalledArtifacts {
    static final String VERSION = "0.1.0-SNAPSHOT";
    private static Path project;
    private static String failure;

    private InstalledArtifacts() {}

    /** The built project's dependency directory (the Sloop jars), building it on first use; throws with Maven's output if the build failed. */
    static synchronized Path modulePath() throws IOException, InterruptedException {
        if (failure != null) throw new AssertionError(failure);
        if (project == null) {
            try {
                project = build();
            } catch (AssertionError e) {
                failure = e.getMessage();
                throw e;
            }
        }
        return project.resolve("target/lib");
    }

    private static Path build() throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("sloop.repo.local", System.getProperty("user.home") + "/.m2/repository"));
        for (String module : List.of("sloop-core", "sloop-tun")) {
            Path installed = repo.resolve("net/sloop/" + module + "/" + VERSION + "/" + module + "-" + VERSION + ".jar");
            Path built = Path.of(module, "target", module + "-" + VERSION + ".jar");
            if (!Files.exists(installed) || !Files.exists(built) || Files.mismatch(installed, built) != -1) {
                throw new AssertionError(installed + " is missing or not the jar this build made (" + built
                        + "): run ./test, which installs each module before the tests of the modules above it");
            }
        }
        Path dir = Files.createTempDirectory("sloop-user-project");
        Path main = Files.createDirectories(dir.resolve("src/main/java"));
        Path test = Files.createDirectories(dir.resolve("src/test/java"));
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.copy(f, (f.getFileName().toString().endsWith("Test.java") ? test : main).resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("pom.xml"), POM.replace("@VERSION@", VERSION));
        String mvn = Files.isExecutable(Path.of("/usr/bin/mvn")) ? "/usr/bin/mvn" : "mvn";
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-ntp", "-Dstyle.color=never", "-Dmaven.repo.local=" + repo,
                "test", "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=target/lib"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the user project's build did not end in 300 s");
        }
        String log = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !log.contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")) {
            throw new AssertionError("the user project's build failed (exit " + p.exitValue() + ") in " + dir + ":\n" + log);
        }
        return dir;
    }

    /** What a user writes: Sloop's core and TUN artifacts, JUnit 5 for their tests, Java 25. */
    private static final String POM = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>example</groupId>
              <artifactId>uses-sloop</artifactId>
              <version>1</version>
              <properties>
                <maven.compiler.release>25</maven.compiler.release>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
              </properties>
              <dependencies>
                <dependency>
                  <groupId>net.sloop</groupId>
                  <artifactId>sloop-core</artifactId>
                  <version>@VERSION@</version>
                </dependency>
                <dependency>
                  <groupId>net.sloop</groupId>
                  <artifactId>sloop-tun</artifactId>
                  <version>@VERSION@</version>
                </dependency>
                <dependency>
                  <groupId>org.junit.jupiter</groupId>
                  <artifactId>junit-jupiter</artifactId>
                  <version>5.13.4</version>
                  <scope>test</scope>
                </dependency>
              </dependencies>
              <build>
                <plugins>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-compiler-plugin</artifactId>
                    <version>3.14.0</version>
                  </plugin>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-surefire-plugin</artifactId>
                    <version>3.5.4</version>
                  </plugin>
                  <plugin>
                    <groupId>org.apache.maven.plugins</groupId>
                    <artifactId>maven-dependency-plugin</artifactId>
                    <version>3.8.1</version>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;
}
