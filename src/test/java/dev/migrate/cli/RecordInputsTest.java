package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `migrate record` on bad input (each a one-line error, a non-zero exit and nothing written), on a
 * migration that is not finished, and proven to touch neither the network nor Docker. The ledger
 * here is written through {@link Ledger#append} with a deploy record shaped like the one deploy
 * writes; the golden test (RecordCommandTest) uses a ledger the real steps wrote.
 */
class RecordInputsTest {
    @TempDir
    Path dir;
    Path state;
    Path config;

    @BeforeEach
    void ledger() throws Exception {
        state = dir.resolve("state");
        config = Files.writeString(dir.resolve("migrate.yaml"), "context: homelab\n");
    }

    void deployed() {
        String digest = Settings.defaults().with(Map.of("context", "homelab")).digest();
        Instant t = Instant.parse("2026-11-27T06:00:00Z");
        new Ledger(state).append(new StepRecord("deploy", t, t.plusSeconds(40), digest, StepRecord.PASSED,
                "applied 6 objects (6 created); 2 waits passed", "", Map.of("context", "homelab",
                "server", "https://10.10.30.10:6443", "namespace", "monitoring", "vip", "10.10.30.22",
                "collectorImage", "otel/opentelemetry-collector-contrib:0.149.0",
                "objects", "ConfigMap/monitoring/otel-collector-config,Service/monitoring/otel-collector")));
    }

    CliRun record(String... extra) {
        List<String> a = new ArrayList<>(List.of("record", "--config", config.toString(), "--state-dir", state.toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    static List<String> tree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    void assertNothingWritten(CliRun run, int code, String message, Path out, List<String> before) throws Exception {
        assertEquals(code, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains(message), run.err());
        assertEquals(before, tree(out), "nothing written into " + out);
        assertTrue(new Ledger(state).latest("record").isEmpty(), "no record step in the ledger");
    }

    @Test
    void anEmptyLedgerSaysNothingDeployedYetExitsThreeAndWritesNothing() throws Exception {
        Path out = dir.resolve("out");
        CliRun run = record("--out", out.toString());
        assertNothingWritten(run, ExitCodes.INCONCLUSIVE, "nothing deployed yet", out, List.of());
        assertEquals("", run.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void outThatIsAFileIsRefused() throws Exception {
        deployed();
        Path file = Files.writeString(dir.resolve("notes.md"), "mine");
        assertNothingWritten(record("--out", file.toString()), ExitCodes.USAGE, "is a file, not a directory", dir.resolve("none"), List.of());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void aReadOnlyOutIsRefused() throws Exception {
        deployed();
        Path out = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertNothingWritten(record("--out", out.toString()), ExitCodes.USAGE, "is read-only", out, List.of(""));
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void outInsideTheStateDirectoryIsRefused() throws Exception {
        deployed();
        Path out = state.resolve("record");
        assertNothingWritten(record("--out", out.toString()), ExitCodes.USAGE, "is inside the state directory", out, List.of());
    }

    @Test
    void aRecordOfAnotherMigrationIsRefusedUnlessForced() throws Exception {
        Path out = dir.resolve("docs");
        deployed();
        assertEquals(ExitCodes.OK, record("--out", out.toString()).exitCode());
        // another migration: a fresh state directory whose first record is another run
        Files.move(state, dir.resolve("old-state"));
        Instant t = Instant.parse("2026-11-29T09:00:00Z");
        new Ledger(state).append(new StepRecord("deploy", t, t, "sha256:0", StepRecord.PASSED, "applied", "",
                Map.of("vip", "10.10.30.23", "namespace", "monitoring", "objects", "")));
        String before = Files.readString(out.resolve("rebuild-0.15.0-claude-monitoring.md"));
        assertNothingWritten(record("--out", out.toString()), ExitCodes.USAGE, "holds a record of another migration", out, tree(out));
        assertEquals(before, Files.readString(out.resolve("rebuild-0.15.0-claude-monitoring.md")));
        CliRun forced = record("--out", out.toString(), "--force");
        assertEquals(ExitCodes.OK, forced.exitCode(), forced.err());
        assertTrue(Files.readString(out.resolve("rebuild-0.15.0-claude-monitoring.md")).contains("10.10.30.23"));
    }

    @Test
    void aFileMigrateDidNotWriteIsNotOverwrittenButOtherFilesAreLeftAlone() throws Exception {
        deployed();
        Path out = Files.createDirectories(dir.resolve("docs/rebuild"));
        Files.writeString(out.resolve("v0.14.0-gitlab.md"), "an older guide");
        Files.writeString(out.resolve("rebuild-0.15.0-snippets.md"), "hand-written");
        assertNothingWritten(record("--out", out.toString()), ExitCodes.USAGE, "was not written by migrate record", out, tree(out));

        Files.delete(out.resolve("rebuild-0.15.0-snippets.md"));
        CliRun run = record("--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(List.of("", "rebuild-0.15.0-claude-monitoring.md", "rebuild-0.15.0-snippets.md", "v0.14.0-gitlab.md"), tree(out));
        assertEquals("an older guide", Files.readString(out.resolve("v0.14.0-gitlab.md")));
    }

    @Test
    void aVersionThatIsNotSemverIsACleanErrorNamingTheSetting() throws Exception {
        deployed();
        Files.writeString(config, "context: homelab\nrecord-version: v0.15\n");
        Path out = dir.resolve("out");
        CliRun run = record("--out", out.toString());
        assertNothingWritten(run, ExitCodes.USAGE, "record-version 'v0.15' is not a semantic version", out, List.of());
        assertTrue(run.errorLine().contains(config.toString()), "names the file: " + run.err());
    }

    @Test
    void stepsThatHaveNotPassedAreMarkedNotDoneYetNeverInvented() throws Exception {
        deployed();
        Instant t = Instant.parse("2026-11-27T07:00:00Z");
        new Ledger(state).append(new StepRecord("verify", t, t, "sha256:x", StepRecord.FAILED, "1 failed", "", Map.of()));
        CliRun run = record();
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("| verify | not done yet | | last run failed at 2026-11-27T07:00:00Z: 1 failed |"), out);
        assertTrue(out.contains("| soak | not done yet | | never run |"), out);
        assertTrue(out.contains("## 5. What the soak proved\n\nnot done yet."), out);
        assertTrue(out.contains("## 6. The old Compose stack: archives and restore\n\nnot done yet."), out);
        assertTrue(out.contains("| digest as deployed |") && out.contains("not recorded by this deploy"), out);
        assertFalse(out.contains("Compose stack retired"), "the version history does not claim a retire: " + out);
        assertFalse(Files.exists(dir.resolve("rebuild-0.15.0-claude-monitoring.md")), "without --out nothing is written");
    }

    @Test
    void credentialsInAnEndpointUrlNeverReachTheRecord() throws Exception {
        deployed();
        Files.writeString(config, "context: homelab\nprometheus-url: https://admin:s3cret@prom.home.arpa\n");
        CliRun run = record();
        // Every command refuses credentials in a URL setting (they would show in `ps` and reports), naming
        // the file and line, with the password masked; nothing is recorded.
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertFalse((run.out() + run.err()).contains("s3cret") || (run.out() + run.err()).contains("admin:"), run.err());
        assertTrue(run.errorLine().contains(config + ":2: prometheus-url 'https://***@prom.home.arpa' is a URL with credentials"),
                run.err());
    }

    /**
     * In a fresh JVM under a security manager that refuses every socket, TCP or Unix (the Docker
     * Engine's), with a kubeconfig, a DOCKER_HOST and endpoints configured that it must not use.
     */
    @Test
    void recordTouchesNeitherTheClusterNorDockerNorAnyEndpoint() throws Exception {
        if (Runtime.version().feature() >= 24) {
            fail("this test needs a Java 17-23 runtime (the security manager is gone in 24); run Maven with Java 17");
        }
        deployed();
        Files.writeString(config, "context: homelab\nkubeconfig: " + dir.resolve("kubeconfig") + "\n"
                + "prometheus-url: http://127.0.0.1:9\nloki-url: http://127.0.0.1:9\ndocker-host: unix://" + dir.resolve("docker.sock") + "\n");
        Path out = dir.resolve("out");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.manager=" + NoNetworkSecurityManager.class.getName(), "-cp", System.getProperty("java.class.path"),
                "dev.migrate.Main", "record", "--config", config.toString(), "--state-dir", state.toString(), "--out", out.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + dir.resolve("docker.sock"));
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("record did not finish in 120 s");
        }
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertFalse(err.contains(NoNetworkSecurityManager.MARKER), "network or Docker used: " + err);
        assertEquals(0, p.exitValue(), err + Files.readString(dir.resolve("out.txt")));
        assertTrue(Files.exists(out.resolve("rebuild-0.15.0-claude-monitoring.md")));
    }
}
