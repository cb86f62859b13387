package dev.migrate.retire;

import dev.migrate.testsupport.Sigint;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.migrate.retire.ComposeFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** retire against a real dockerd and real docker-compose projects (see {@link DockerdProcess}). */
class RetireEngineTest extends EngineTestBase {
    @Test
    void planListsExactlyTheProjectsObjectsAndTheGateRefusesWithoutAFittingSoak() throws Exception {
        up(dockerd, tmp, "t1-mon", stack());
        up(dockerd, tmp, "t1-other", other(null));
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        String port = String.valueOf(freePort());
        Set<String> containersBefore = containerNames(dockerd, "t1-mon");
        assertEquals(3, containersBefore.size());

        // no soak at all: refused, exit 4, and the plan is still shown
        Path noSoak = tmp.resolve("state-nosoak");
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t1-mon", noSoak, backups, "--ports", port));
            assertEquals(ExitCodes.REFUSED, r.code(), r.err());
            assertTrue(r.err().contains("retire refused") && r.err().contains("no soak in the ledger"), r.err());
            assertTrue(r.out().contains("t1-mon_claude_prometheus_data"), r.out());
            assertEquals(StepRecord.REFUSED, new Ledger(noSoak).latest("retire").orElseThrow().outcome());
        });

        // a passed soak: the JSON plan lists exactly the project's containers and volumes
        Path state = tmp.resolve("state");
        passedSoak(state, "t1-mon", Duration.ofHours(24), Map.of());
        String anonymous = anonymousVolumeOf("t1-mon_claude-prometheus_1");
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t1-mon", state, backups, "--ports", port, "-o", "json"));
            assertEquals(ExitCodes.OK, r.code(), r.err());
            JsonNode plan = read(r.out());
            Set<String> planned = new TreeSet<>();
            plan.path("containers").forEach(c -> planned.add(c.path("name").asText()));
            assertEquals(containersBefore, planned);
            Set<String> volumes = new TreeSet<>();
            plan.path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
            assertEquals(Set.of("t1-mon_claude_prometheus_data", "t1-mon_claude_grafana_data", anonymous), volumes);
            plan.path("containers").forEach(c -> assertEquals("always", c.path("restartPolicy").asText()));
            assertTrue(plan.path("gate").path("passed").asBoolean(), plan.toString());
            assertTrue(plan.path("message").asText().contains("nothing was changed"));
        });
        // plan only: nothing changed
        assertEquals(containersBefore, runningNames(dockerd, "t1-mon"));
        assertTrue(volumeNames(dockerd).containsAll(Set.of("t1-mon_claude_prometheus_data", anonymous)));
        try (Stream<Path> files = Files.list(backups)) {
            assertEquals(0, files.count(), "a plan writes no archive");
        }

        // a soak that passed with other settings, or for less than soak-duration, does not count
        Path otherSettings = tmp.resolve("state-other");
        passedSoak(otherSettings, "t1-mon", Duration.ofHours(24), Map.of("vip", "10.10.30.23"));
        Path shortSoak = tmp.resolve("state-short");
        passedSoak(shortSoak, "t1-mon", Duration.ofHours(2), Map.of());
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t1-mon", otherSettings, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.REFUSED, r.code());
            assertTrue(r.err().contains("other settings"), r.err());
            r = migrate(retireArgs(dockerd, "t1-mon", shortSoak, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.REFUSED, r.code());
            assertTrue(r.err().contains("less than soak-duration 24h"), r.err());
        });
        // verify failing right now refuses too, even after a good soak
        withVerify(s -> () -> List.of(CheckResult.fail("collector-up", "up == 0", "collector down", "check the pod")), () -> {
            Run r = migrate(retireArgs(dockerd, "t1-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.REFUSED, r.code());
            assertTrue(r.err().contains("verify-now") && r.err().contains("collector-up"), r.err());
        });
        // without a double, retire runs verify's real checks: here the collector's OTLP port (on loopback) is closed
        withVerify(null, () -> {
            Run real = migrate(retireArgs(dockerd, "t1-mon", state, backups, "--ports", port, "--yes",
                    "--otlp-endpoint", "http://127.0.0.1:1", "--otlp-http-endpoint", "http://127.0.0.1:1"));
            assertEquals(ExitCodes.REFUSED, real.code(), real.err());
            assertTrue(real.err().contains("verify-now") && real.err().contains("vip-reachable fail"), real.err());
        });
        assertEquals(containersBefore, runningNames(dockerd, "t1-mon"), "a refused retire changes nothing");
    }

    @Test
    void killedTwiceThenResumedRetiresEverythingKeepsTheOtherProjectAndRestoresByteIdentical() throws Exception {
        Path compose = up(dockerd, tmp, "t2-mon", stack());
        up(dockerd, tmp, "t2-other", other(null));
        writeFiles(dockerd, compose, "claude-prometheus", "/prometheus", 512);
        writeFiles(dockerd, compose, "claude-grafana", "/var/lib/grafana", 64);
        writeFiles(dockerd, compose, "claude-prometheus", "/scratch", 8);
        writeFiles(dockerd, tmp.resolve("t2-other"), "keeper", "/keep", 16);
        String anonymous = anonymousVolumeOf("t2-mon_claude-prometheus_1");
        List<String> volumes = List.of("t2-mon_claude_grafana_data", "t2-mon_claude_prometheus_data", anonymous);
        Map<String, String> before = new HashMap<>();
        for (String v : volumes) {
            before.put(v, snapshot(dockerd, v));
        }
        String keepBefore = snapshot(dockerd, "t2-other_keep_data");
        String composeFileBefore = Files.readString(compose.resolve("docker-compose.yml"));
        Path state = tmp.resolve("state");
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        passedSoak(state, "t2-mon", Duration.ofHours(25), Map.of());
        String port = String.valueOf(freePort());

        // 1. a real `migrate retire --yes` in a fresh JVM, killed -9 right after its first stop
        killMidway(retireArgs(dockerd, "t2-mon", state, backups, "--ports", port, "--yes"), "stop");
        for (String c : containerNames(dockerd, "t2-mon")) {
            assertEquals("no", dockerd.docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", c).strip(), c);
        }
        assertFalse(runningNames(dockerd, "t2-mon").isEmpty(), "killed after the first stop: others still run");

        // 2. the daemon restarts: restart:always would bring the old stack back; retire set 'no' first
        dockerd.restart();
        assertEquals(Set.of(), runningNames(dockerd, "t2-mon"), "no retired container came back");
        assertEquals(Set.of("t2-other_keeper_1"), runningNames(dockerd, "t2-other"), "restart: always does restart others");

        // 3. killed again right after the first archive
        killMidway(retireArgs(dockerd, "t2-mon", state, backups, "--ports", port, "--yes"), "archive");

        // the archive written before the kill gets damaged on disk
        Path damaged;
        try (Stream<Path> files = Files.walk(backups)) {
            damaged = files.filter(p -> p.toString().endsWith(".tar.gz")).findFirst().orElseThrow();
        }
        try (var ch = java.nio.channels.FileChannel.open(damaged, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), Files.size(damaged) / 2);
        }

        // 4. rerun in process: resumes, archives the damaged one again, and finishes
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t2-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("resuming retire run"), r.out());
            assertTrue(r.out().contains("from the interrupted run failed verification") && r.out().contains("archiving it again"),
                    r.out());
        });
        assertEquals(Set.of(), containerNames(dockerd, "t2-mon"));
        Set<String> left = volumeNames(dockerd);
        volumes.forEach(v -> assertFalse(left.contains(v), v + " still exists"));
        assertEquals(keepBefore, snapshot(dockerd, "t2-other_keep_data"), "the other project's volume is intact");
        assertEquals(Set.of("t2-other_keeper_1"), runningNames(dockerd, "t2-other"));
        assertEquals(composeFileBefore, Files.readString(compose.resolve("docker-compose.yml")));
        StepRecord rec = new Ledger(state).latest("retire").orElseThrow();
        assertEquals(StepRecord.PASSED, rec.outcome(), rec.summary());
        Path archiveDir = Path.of(rec.details().get("archiveDir"));
        try (Stream<Path> files = Files.list(archiveDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(6, names.size(), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".partial")), names.toString());
        }
        JsonNode manifest = Json.MAPPER.readTree(archiveDir.resolve("t2-mon_claude_prometheus_data.manifest.json").toFile());
        assertEquals(sha256(archiveDir.resolve(manifest.path("archive").asText())), manifest.path("archiveSha256").asText());
        assertEquals(6, manifest.path("files").asLong(), "README, wal, wal/owned, chunks, chunks/000001, latest: " + manifest);

        // 5. a second run does nothing and exits 0
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t2-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.err());
            assertTrue(r.out().startsWith("nothing to do"), r.out());
        });

        // 6. restore brings back byte-identical content with the compose labels
        Run restored = restore(dockerd, "t2-mon", state, backups);
        assertEquals(ExitCodes.OK, restored.code(), restored.err());
        for (String v : volumes) {
            assertEquals(before.get(v), snapshot(dockerd, v), v);
        }
        assertEquals("t2-mon", dockerd.docker("volume", "inspect", "-f",
                "{{index .Labels \"com.docker.compose.project\"}}", "t2-mon_claude_grafana_data").strip());
        // 7. and refuses to overwrite volumes that hold data
        Run again = restore(dockerd, "t2-mon", state, backups);
        assertEquals(ExitCodes.REFUSED, again.code(), again.err());
        assertTrue(again.err().contains("refusing to overwrite"), again.err());
    }

    @Test
    void theDaemonDyingBetweenStepsFailsCleanlyAndTheRerunFinishes() throws Exception {
        Path compose = up(dockerd, tmp, "t7-mon", stack());
        writeFiles(dockerd, compose, "claude-grafana", "/var/lib/grafana", 16);
        String before = snapshot(dockerd, "t7-mon_claude_grafana_data");
        Path state = tmp.resolve("state");
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        passedSoak(state, "t7-mon", Duration.ofHours(24), Map.of());
        String port = String.valueOf(freePort());

        Process p = startPaused(retireArgs(dockerd, "t7-mon", state, backups, "--ports", port, "--yes"), "archive", 3);
        dockerd.stop(); // the engine dies while migrate sits between two archives
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.FAILED, p.exitValue(), err);
        assertTrue(err.contains("cannot reach the Docker engine at " + dockerd.host()), err);
        assertEquals(StepRecord.FAILED, new Ledger(state).latest("retire").orElseThrow().outcome());

        dockerd.restart();
        assertEquals(Set.of(), runningNames(dockerd, "t7-mon"), "restart policies were set to no before the stop");
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t7-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("resuming retire run"), r.out());
        });
        assertEquals(Set.of(), containerNames(dockerd, "t7-mon"));
        assertFalse(volumeNames(dockerd).contains("t7-mon_claude_grafana_data"));
        Run restored = restore(dockerd, "t7-mon", state, backups);
        assertEquals(ExitCodes.OK, restored.code(), restored.err());
        assertEquals(before, snapshot(dockerd, "t7-mon_claude_grafana_data"));
    }

    @Test
    void sigintBetweenTwoActionsSaysWhereItStoppedAndARerunResumes() throws Exception {
        Path compose = up(dockerd, tmp, "t8-mon", stack());
        writeFiles(dockerd, compose, "claude-grafana", "/var/lib/grafana", 4);
        Path state = tmp.resolve("state8");
        Path backups = Files.createDirectories(tmp.resolve("backups8"));
        passedSoak(state, "t8-mon", Duration.ofHours(24), Map.of());
        String port = String.valueOf(freePort());

        Process p = startPaused(retireArgs(dockerd, "t8-mon", state, backups, "--ports", port, "--yes"), "stop", 60);
        Sigint.send(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "retire stops on SIGINT");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), err);
        assertTrue(err.contains("migrate: error: retire interrupted after stop "), err);
        assertTrue(err.contains("run 'migrate retire --yes' again to resume where it stopped"), err);
        assertEquals(StepRecord.INTERRUPTED, new Ledger(state).latest("retire").orElseThrow().outcome());

        // A crash tore the journal's last line: the next run says which line on stderr (under -o json too,
        // where stdout holds only the document) and carries on, since every action is safe to redo.
        Path journal = state.resolve("retire").resolve("journal.jsonl");
        int torn = Files.readAllLines(journal).size() + 1;
        Files.writeString(journal, "{\"at\":\"2026-", java.nio.file.StandardOpenOption.APPEND);
        String warning = "warning: retire journal " + journal + ": unreadable line " + torn + " (torn: no newline at its end,"
                + " a write was cut short); those actions are redone if needed (each is safe to redo)";
        withVerify(verifyPasses(), () -> {
            Run pending = migrate(retireArgs(dockerd, "t8-mon", state, backups, "--ports", port, "-o", "json"));
            assertEquals(ExitCodes.OK, pending.code(), pending.err());
            assertEquals(List.of(warning), pending.err().lines().toList());
            assertTrue(pending.out().strip().startsWith("{") && pending.out().contains("is pending"), pending.out());

            Run r = migrate(retireArgs(dockerd, "t8-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("resuming retire run"), r.out());
            assertTrue(r.err().contains(warning), r.err());
        });
        assertEquals(Set.of(), containerNames(dockerd, "t8-mon"));
    }

    /** Starts `migrate` in a fresh JVM that pauses after the first action of kind {@code pauseAfter} and returns once it pauses. */
    static Process startPaused(String[] args, String pauseAfter, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RetireProcessMain.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(RetireProcessMain.PAUSE_AFTER, pauseAfter);
        pb.environment().put(RetireProcessMain.PAUSE_SECONDS, String.valueOf(seconds));
        Process p = pb.start();
        StringBuilder seen = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> paused = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    seen.append(line).append('\n');
                    if (line.startsWith("test: pausing")) {
                        return line;
                    }
                }
            } catch (IOException e) {
                return "error: " + e;
            }
            return "exited without pausing: " + seen;
        });
        try {
            String line = paused.get(90, TimeUnit.SECONDS);
            assertTrue(line.contains("after " + pauseAfter + ":"), line);
            return p;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly(); // never leave a retire running behind a failed test
            throw e;
        }
    }

    /** Starts `migrate` in a fresh JVM that pauses after the first action of kind {@code pauseAfter} and kills it -9 during the pause. */
    static void killMidway(String[] args, String pauseAfter) throws Exception {
        Process p = startPaused(args, pauseAfter, 120);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
    }

    private static String anonymousVolumeOf(String container) {
        return dockerd.docker("inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/scratch\"}}{{.Name}}{{end}}{{end}}",
                container).strip();
    }

    static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static String sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(file));
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
