package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.docker.ApiDockerEngine;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerHost;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.migrate.retire.ComposeFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Bad input and faults against a real dockerd: each refuses with one line and deletes nothing. */
class RetireFaultsTest extends EngineTestBase {
    @Test
    void unreachableDaemonAndUnknownProjectAreOneLineErrors() throws IOException {
        Path backups = Files.createDirectories(tmp.resolve("b"));
        Run r = migrate("retire", "--docker-host", "unix://" + tmp.resolve("no-such.sock"), "--state-dir",
                tmp.resolve("s").toString(), "--backup-dir", backups.toString());
        assertEquals(ExitCodes.FAILED, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot reach the Docker engine at unix://" + tmp.resolve("no-such.sock"))
                && r.err().contains("--docker-host"), r.err());

        r = migrate(retireArgs(dockerd, "no-such-project", tmp.resolve("s"), backups));
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("compose project 'no-such-project' not found"), r.err());

        r = migrate("retire", "--docker-host", "ssh://me@host", "--state-dir", tmp.resolve("s").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("only unix:// and tcp://"), r.err());

        r = migrate(retireArgs(dockerd, "x", tmp.resolve("s"), backups, "--force"));
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--force needs --reason"), r.err());
        r = migrate(retireArgs(dockerd, "x", tmp.resolve("s"), backups, "--no-backup"));
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--no-backup is only accepted together with --yes"), r.err());
        r = migrate(retireArgs(dockerd, "x", tmp.resolve("s"), backups, "--no-backup", "--yes"));
        assertEquals(ExitCodes.REFUSED, r.code(), "no terminal and no --i-understand-data-loss");
    }

    @Test
    void badBackupDirectoriesStopBeforeAnythingChanges() throws Exception {
        up(dockerd, tmp, "t3-mon", stack());
        Path state = tmp.resolve("state");
        passedSoak(state, "t3-mon", Duration.ofHours(24), Map.of());
        String port = String.valueOf(freePort());
        Set<String> running = runningNames(dockerd, "t3-mon");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path readOnly = Files.createDirectories(tmp.resolve("ro"));
        mount(readOnly, "ro,size=1m");
        try {
            withVerify(verifyPasses(), () -> {
                Run r = migrate(retireArgs(dockerd, "t3-mon", state, tmp.resolve("missing"), "--ports", port, "--yes"));
                assertEquals(ExitCodes.USAGE, r.code());
                assertTrue(r.err().contains("backup directory " + tmp.resolve("missing") + " does not exist"), r.err());
                r = migrate(retireArgs(dockerd, "t3-mon", state, file, "--ports", port, "--yes"));
                assertEquals(ExitCodes.USAGE, r.code());
                assertTrue(r.err().contains("is not a directory"), r.err());
                r = migrate(retireArgs(dockerd, "t3-mon", state, readOnly, "--ports", port, "--yes"));
                assertEquals(ExitCodes.USAGE, r.code());
                assertTrue(r.err().contains("is not writable"), r.err());
            });
        } finally {
            umount(readOnly);
        }
        // too small for the volumes (free space as a test-only provider reports it)
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        UserError small = assertThrows(UserError.class, () -> retirer(state, dir -> 1L << 20).run(options("t3-mon", backups, port)));
        assertTrue(small.getMessage().contains("has 1.0 MiB free but the volumes need up to"), small.getMessage());

        assertEquals(running, runningNames(dockerd, "t3-mon"), "nothing was stopped");
        for (String c : running) {
            assertEquals("always", dockerd.docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", c).strip());
        }
    }

    @Test
    void diskFullMidArchiveRemovesThePartialDeletesNothingAndAResumeFinishes() throws Exception {
        Path compose = up(dockerd, tmp, "t4-mon", stack());
        writeFiles(dockerd, compose, "claude-prometheus", "/prometheus", 4096);
        String before = snapshot(dockerd, "t4-mon_claude_prometheus_data");
        Path state = tmp.resolve("state");
        passedSoak(state, "t4-mon", Duration.ofHours(24), Map.of());
        String port = String.valueOf(freePort());
        Path backups = Files.createDirectories(tmp.resolve("small"));
        mount(backups, "size=2m");
        try {
            // the free-space check is told there is room, so the real 2 MiB file system fills up mid-archive
            UserError full = assertThrows(UserError.class,
                    () -> retirer(state, dir -> 1L << 40).run(options("t4-mon", backups, port)));
            assertTrue(full.getMessage().contains("the disk is full") && full.getMessage().contains("partial archive was removed")
                    && full.getMessage().contains("nothing was deleted"), full.getMessage());
            try (Stream<Path> files = Files.walk(backups)) {
                assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".partial")).toList());
            }
            assertEquals(3, containerNames(dockerd, "t4-mon").size(), "no container removed");
            assertTrue(volumeNames(dockerd).contains("t4-mon_claude_prometheus_data"), "no volume removed");

            // a helper container a killed run would leave behind must not block the removal (nor count as a user)
            dockerd.docker("create", "--label", DockerEngine.HELPER_LABEL + "=true", "--network", "none",
                    "-v", "t4-mon_claude_prometheus_data:/volume", IMAGE, "true");
            // the small grafana volume made it before the disk filled: the run's archives must stay together
            Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
            UserError split = assertThrows(UserError.class,
                    () -> retirer(state, FreeSpace.FILE_STORE).run(options("t4-mon", elsewhere, port)));
            assertTrue(split.getMessage().contains("rerun with --backup-dir " + backups), split.getMessage());
            // the operator frees space there; the rerun resumes the same run
            DockerdProcess.run(List.of("mount", "-o", "remount,size=256m", backups.toString()), null, null);
            assertEquals(ExitCodes.OK, retirer(state, FreeSpace.FILE_STORE).run(options("t4-mon", backups, port)).exitCode());
            assertEquals(Set.of(), containerNames(dockerd, "t4-mon"));
            assertFalse(volumeNames(dockerd).contains("t4-mon_claude_prometheus_data"));
            assertEquals("", dockerd.docker("ps", "-aq", "--filter", "label=" + DockerEngine.HELPER_LABEL).strip());
            Run restored = restore(dockerd, "t4-mon", state, backups);
            assertEquals(ExitCodes.OK, restored.code(), restored.err());
            assertEquals(before, snapshot(dockerd, "t4-mon_claude_prometheus_data"));
        } finally {
            umount(backups);
        }
    }

    @Test
    void aVolumeAnotherProjectAlsoMountsIsReportedAndKept() throws Exception {
        Path compose = up(dockerd, tmp, "t5-mon", stack());
        writeFiles(dockerd, compose, "claude-grafana", "/var/lib/grafana", 4);
        up(dockerd, tmp, "t5-other", other("t5-mon_claude_grafana_data"));
        String shared = snapshot(dockerd, "t5-mon_claude_grafana_data");
        Path state = tmp.resolve("state");
        passedSoak(state, "t5-mon", Duration.ofHours(24), Map.of());
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        String port = String.valueOf(freePort());
        withVerify(verifyPasses(), () -> {
            Run plan = migrate(retireArgs(dockerd, "t5-mon", state, backups, "--ports", port));
            assertEquals(ExitCodes.OK, plan.code(), plan.err());
            assertTrue(plan.out().contains("volume t5-mon_claude_grafana_data: also mounted by t5-other_keeper_1 (project 't5-other')"),
                    plan.out());
            // something still listens on an old port: retire removes everything but ends in a failed check
            try (ServerSocket busy = new ServerSocket(Integer.parseInt(port), 1, InetAddress.getLoopbackAddress())) {
                Run r = migrate(retireArgs(dockerd, "t5-mon", state, backups, "--ports", port, "--yes"));
                assertEquals(ExitCodes.FAILED, r.code(), r.out());
                assertTrue(r.out().contains("port " + port + " is still in use"), r.out());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            assertEquals(StepRecord.FAILED, new Ledger(state).latest("retire").orElseThrow().outcome());
            // once it is free, the rerun checks again and passes; the next one has nothing to do
            Run r = migrate(retireArgs(dockerd, "t5-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertEquals(StepRecord.PASSED, new Ledger(state).latest("retire").orElseThrow().outcome());
            r = migrate(retireArgs(dockerd, "t5-mon", state, backups, "--ports", port, "--yes"));
            assertTrue(r.out().startsWith("nothing to do"), r.out());
        });
        assertEquals(Set.of(), containerNames(dockerd, "t5-mon"));
        Set<String> volumes = volumeNames(dockerd);
        assertFalse(volumes.contains("t5-mon_claude_prometheus_data"));
        assertTrue(volumes.contains("t5-mon_claude_grafana_data"), "the shared volume is kept");
        assertEquals(shared, snapshot(dockerd, "t5-mon_claude_grafana_data"));
        assertEquals(Set.of("t5-other_keeper_1"), runningNames(dockerd, "t5-other"));
    }

    @Test
    void forceWithoutASoakRecordsTheReasonAndNoBackupArchivesNothing() throws Exception {
        up(dockerd, tmp, "t6-mon", stack());
        Path state = tmp.resolve("state");
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        String port = String.valueOf(freePort());
        Run r = migrate(retireArgs(dockerd, "t6-mon", state, backups, "--ports", port, "--yes", "--force", "--reason",
                "old laptop is being wiped today", "--no-backup", "--i-understand-data-loss", "-o", "json"));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        var doc = RetireEngineTest.read(r.out());
        assertFalse(doc.path("plan").path("gate").path("passed").asBoolean(), "the gate saw no soak");
        assertTrue(doc.path("plan").path("gate").path("forced").asBoolean());
        assertTrue(doc.path("summary").asText().contains("WITHOUT backup"), doc.toString());
        var rec = new Ledger(state).latest("retire").orElseThrow();
        assertEquals("old laptop is being wiped today", rec.details().get("reason"));
        assertEquals("true", rec.details().get("forced"));
        assertEquals(Set.of(), containerNames(dockerd, "t6-mon"));
        assertFalse(volumeNames(dockerd).contains("t6-mon_claude_prometheus_data"));
        try (Stream<Path> files = Files.walk(backups)) {
            assertEquals(1, files.count(), "no archive written");
        }
    }

    @Test
    void afterComposeDownOnlyTheLabelledVolumesAreLeftAndAHelperImageMustBeNamed() throws Exception {
        Path compose = up(dockerd, tmp, "t8-mon", stack());
        writeFiles(dockerd, compose, "claude-prometheus", "/prometheus", 8);
        String before = snapshot(dockerd, "t8-mon_claude_prometheus_data");
        dockerd.compose(compose, "down"); // containers gone, named volumes kept
        Path state = tmp.resolve("state");
        passedSoak(state, "t8-mon", Duration.ofHours(24), Map.of());
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        String port = String.valueOf(freePort());
        withVerify(verifyPasses(), () -> {
            Run r = migrate(retireArgs(dockerd, "t8-mon", state, backups, "--ports", port, "--yes"));
            assertEquals(ExitCodes.USAGE, r.code());
            assertTrue(r.err().contains("pass --helper-image IMAGE"), r.err());
            r = migrate(retireArgs(dockerd, "t8-mon", state, backups, "--ports", port, "--yes", "--helper-image", IMAGE));
            assertEquals(ExitCodes.OK, r.code(), r.err());
        });
        assertFalse(volumeNames(dockerd).contains("t8-mon_claude_prometheus_data"));
        Run restored = restore(dockerd, "t8-mon", state, backups);
        assertEquals(ExitCodes.OK, restored.code(), restored.err());
        assertEquals(before, snapshot(dockerd, "t8-mon_claude_prometheus_data"));
    }

    private Retirer retirer(Path state, FreeSpace freeSpace) {
        DockerEngine engine = new ApiDockerEngine(new DockerHost(dockerd.host(), "test"));
        Settings settings = Settings.defaults().with(Map.of("compose-project", projectOf(state), "state-dir", state.toString()));
        return new Retirer(engine, new Ledger(state), settings, verifyPasses().create(settings), freeSpace,
                dev.migrate.io.ProgressSink.NONE, key -> {
        });
    }

    /** Each test's state dir sits next to its compose dirs; the project is the only t*-mon there. */
    private String projectOf(Path state) {
        try (Stream<Path> dirs = Files.list(state.getParent())) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("t\\d-mon")).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Retirer.Options options(String project, Path backups, String port) {
        return new Retirer.Options(project, backups, true, List.of(Integer.parseInt(port)), Duration.ofSeconds(10), true, false, "", "");
    }

    private static void mount(Path dir, String options) {
        DockerdProcess.Result r = DockerdProcess.run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()), null, null);
        assertEquals(0, r.code(), "mounting a small tmpfs needs root: " + r.err() + DockerdProcess.INSTALL_HINT);
    }

    private static void umount(Path dir) {
        DockerdProcess.run(List.of("umount", dir.toString()), null, null);
    }
}
