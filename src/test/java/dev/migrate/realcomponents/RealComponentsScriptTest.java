package dev.migrate.realcomponents;

import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.RealComponents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/real-components itself: a cold build with the module proxy unreachable fails fast, naming the module. */
class RealComponentsScriptTest {
    @TempDir
    Path tmp;

    record Run(int exitCode, String output, long millis) {
    }

    Run script(String proxy, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", RealComponents.SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Files.createDirectories(tmp.resolve("mod"));
        pb.environment().put("GOMODCACHE", tmp.resolve("mod").toString()); // empty: nothing to fall back on
        pb.environment().put("GOPROXY", proxy);
        pb.environment().put("MIGRATE_REAL_CACHE", tmp.resolve("cache").toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scripts/real-components did not end within 120 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void anUnreachableProxyFailsWithinAMinuteNamingTheModuleAndLeavesNothingHalfBuilt() throws Exception {
        int closed = ManagedProcess.freePort(); // a loopback port nobody listens on
        Run run = script("http://127.0.0.1:" + closed);
        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.millis() < 60_000, run.millis() + " ms");
        assertTrue(run.output().contains("FAILED: cannot fetch go.opentelemetry.io/collector/cmd/builder@v"
                + RealComponents.version("otelcol")), run.output());
        assertTrue(run.output().contains("127.0.0.1:" + closed), "says where it tried: " + run.output());
        try (var left = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(), left.toList(), "no build directory or half-built component left in the cache");
        }
    }

    @Test
    void listNamesEveryPinnedComponentAndBuildsNothing() throws Exception {
        Run run = script("http://127.0.0.1:" + ManagedProcess.freePort(), "--list");
        assertEquals(0, run.exitCode(), run.output());
        RealComponents.pins().forEach((component, version) ->
                assertTrue(run.output().contains(component) && run.output().contains(version) && run.output().contains("(not built)"),
                        component + " " + version + " in: " + run.output()));
    }
}
