package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user's machine as the seed's plan sees it: a working directory (where ./migrate.yaml and the
 * default state directory .migrate live) and a home directory (~/migrate-backups, ~/.kube), and
 * `migrate` run there as its own process, as a user types it: the same classes as the tests, a
 * fresh JVM per command, the loopback guard installed as in the suite.
 */
public final class Laptop {
    private final Path workdir;
    private final Path home;
    private final Map<String, String> env = new LinkedHashMap<>();

    /** What one command printed and returned. */
    public record Run(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public Laptop(Path root) {
        this.workdir = root.resolve("claude-monitoring-migration");
        this.home = root.resolve("home");
        try {
            Files.createDirectories(workdir);
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path workdir() {
        return workdir;
    }

    public Path home() {
        return home;
    }

    /** An environment variable of the user's shell (e.g. DOCKER_HOST). */
    public Laptop env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Writes ./migrate.yaml, the user's settings file. */
    public Laptop settings(String yaml) {
        ManagedProcess.write(workdir.resolve("migrate.yaml"), yaml);
        return this;
    }

    /** `migrate ARGS...` in the working directory; fails the test if it runs longer than {@code minutes}. */
    public Run migrate(int minutes, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Djava.security.manager=" + LoopbackOnlyNetwork.class.getName(),
                "-cp", System.getProperty("java.class.path"), "dev.migrate.Main"));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("laptop-out", ".txt");
            Path err = Files.createTempFile("laptop-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workdir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            pb.environment().put("HOME", home.toString());
            Process p = pb.start();
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("migrate " + String.join(" ", args) + " ran longer than " + minutes + " min:\n"
                        + Files.readString(out) + Files.readString(err));
            }
            Run run = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
