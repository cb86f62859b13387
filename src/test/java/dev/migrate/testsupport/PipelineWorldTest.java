package dev.migrate.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline world cleans up after itself when it cannot start. */
class PipelineWorldTest {
    @TempDir
    Path tmp;

    @Test
    void aWorldThatFailsToStartLeavesNoProcessBehind() throws Exception {
        // A cache with the real collector and Prometheus but no Alertmanager: the world starts those two for
        // real, then fails on the third with the command that builds it.
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        for (String component : List.of("otelcol", "prometheus")) {
            String dir = component + "-" + RealComponents.version(component);
            Files.createSymbolicLink(cache.resolve(dir), RealComponents.cache().resolve(dir));
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FailedStart.class.getName()).redirectErrorStream(true);
        pb.environment().put("MIGRATE_REAL_CACHE", cache.toString());
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        } finally {
            p.destroyForcibly();
        }

        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("failed: alertmanager " + RealComponents.version("alertmanager") + " is not built"), out);
        String ran = out.lines().filter(l -> l.startsWith("ran meanwhile: ")).findFirst().orElse("");
        assertTrue(ran.contains("otelcol-migrate") && ran.contains("prometheus"), "both started before the failure: " + out);
        assertTrue(out.contains("still running: []"), out);
    }

    /** Builds the world in a JVM of its own, so the processes it lists are the world's and nobody else's. */
    public static final class FailedStart {
        public static void main(String[] args) throws Exception {
            Set<String> seen = new TreeSet<>();
            Thread watcher = new Thread(() -> {
                try {
                    while (true) {
                        synchronized (seen) {
                            seen.addAll(running());
                        }
                        Thread.sleep(20);
                    }
                } catch (InterruptedException done) {
                    // the world has failed and closed
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            try (PipelineWorld world = new PipelineWorld(1)) {
                System.out.println("started, which it should not have");
                System.exit(1);
            } catch (AssertionError e) {
                System.out.println("failed: " + e.getMessage().lines().findFirst().orElse(""));
            }
            watcher.interrupt();
            watcher.join();
            synchronized (seen) {
                System.out.println("ran meanwhile: " + seen);
            }
            System.out.println("still running: " + running());
            System.exit(0); // whatever threads a half-started world left, this JVM has said what it saw
        }

        /** The names of this JVM's live descendant processes (one that ended while listed has no name). */
        private static Set<String> running() {
            Set<String> names = new TreeSet<>();
            ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .forEach(h -> names.add(h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("?")));
            return names;
        }
    }
}
