package dev.migrate.bundle;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real promtool on files in a directory: Prometheus 3's (built by scripts/real-components,
 * the homelab's major version) unless a test asks for Debian's 2.42 to compare the old semantics.
 */
public final class Promtool {
    private Promtool() {
    }

    public enum Version {
        /** The pinned Prometheus 3 build. */
        PROMETHEUS_3,
        /** Debian's package (2.42): range selectors closed at the start, as before Prometheus 3. */
        DEBIAN_2_42
    }

    public record Run(int exitCode, String output) {
    }

    public static Path binary(Version version) {
        if (version == Version.PROMETHEUS_3) {
            return dev.migrate.testsupport.RealComponents.binary("prometheus", "promtool");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("promtool not found on PATH: install it with scripts/install-test-deps.sh "
                + "(apt-get install -y prometheus)");
    }

    public static Run run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(Version.PROMETHEUS_3, workDir, args);
    }

    public static Run run(Version version, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary(version).toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        // a hang guard, not a timing: on the shared 2-core machine a few seconds' run has taken over a minute
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 300s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
