package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.docker.DockerEngine;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.migrate.retire.ComposeFixture.*;
import static dev.migrate.retire.RetireEngineTest.killMidway;
import static dev.migrate.retire.RetireEngineTest.startPaused;
import static org.junit.jupiter.api.Assertions.*;

/**
 * retire acts only on the world it planned, one run at a time, and never calls an empty archive
 * a success: real dockerds (two where the world changes engine), real compose projects.
 */
class RetireWorldTest extends EngineTestBase {
    /** A compose project up on the test's engine with data in one volume, a passed soak, a backup dir, a free port. */
    private record Project(String name, Path compose, Path state, Path backups, String port) {
        /** `migrate retire` of this project through engine {@code d}, with --ports and {@code extra}. */
        String[] retire(DockerdProcess d, String... extra) {
            List<String> more = new java.util.ArrayList<>(List.of("--ports", port));
            more.addAll(List.of(extra));
            return retireArgs(d, name, state, backups, more.toArray(String[]::new));
        }
    }

    private Project project(String name, String service, String mount, int kib) throws Exception {
        Path compose = up(dockerd, tmp, name, stack());
        writeFiles(dockerd, compose, service, mount, kib);
        Path state = tmp.resolve("state");
        passedSoak(state, name, Duration.ofHours(24), Map.of());
        return new Project(name, compose, state, Files.createDirectories(tmp.resolve("backups")), String.valueOf(freePort()));
    }

    @Test
    void aResumeThroughAnotherEngineIsRefusedNamingBothEnginesAndTouchesNothingThere() throws Exception {
        Project p = project("w1-mon", "claude-grafana", "/var/lib/grafana", 8);
        Path state = p.state();
        killMidway(p.retire(dockerd, "--yes"), "stop");

        // a second engine with a project of the same name and same-named volumes holding other data
        try (DockerdProcess other = DockerdProcess.start()) {
            other.importBusybox(IMAGE);
            Path otherCompose = up(other, tmp.resolve("other-engine"), "w1-mon", stack());
            writeFiles(other, otherCompose, "claude-grafana", "/var/lib/grafana", 8);
            String otherData = snapshot(other, "w1-mon_claude_grafana_data");
            Set<String> otherRunning = runningNames(other, "w1-mon");
            assertEquals(3, otherRunning.size());
            withVerify(verifyPasses(), () -> {
                Run r = migrate(p.retire(other, "--yes"));
                assertEquals(ExitCodes.REFUSED, r.code(), r.out() + r.err());
                assertTrue(r.err().contains("refusing to resume retire run") && r.err().contains("not the same world"), r.err());
                assertTrue(r.err().contains("the run began on Docker engine " + engineId(dockerd) + " at " + dockerd.host())
                        && r.err().contains(other.host() + " is engine " + engineId(other)), r.err());
                assertTrue(r.err().contains("point --docker-host at the engine the run began on (" + dockerd.host() + ")"), r.err());
            });
            assertEquals(otherData, snapshot(other, "w1-mon_claude_grafana_data"), "the other engine's volume is untouched");
            assertEquals(otherRunning, runningNames(other, "w1-mon"), "nothing was stopped there");
            for (String c : otherRunning) {
                assertEquals("always", other.docker("inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", c).strip(), c);
            }
        }
        assertEquals(StepRecord.REFUSED, new Ledger(state).latest("retire").orElseThrow().outcome());

        // the engine the run began on: it resumes and finishes
        withVerify(verifyPasses(), () -> {
            Run r = migrate(p.retire(dockerd, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("resuming retire run"), r.out());
        });
        assertEquals(Set.of(), containerNames(dockerd, "w1-mon"));
    }

    @Test
    void aResumeAfterTheVolumesWereCreatedAgainIsRefusedNamingThem() throws Exception {
        Project p = project("w2-mon", "claude-grafana", "/var/lib/grafana", 8);
        Path compose = p.compose();
        Path backups = p.backups();
        killMidway(p.retire(dockerd, "--yes"), "stop");

        // someone brings the stack down with its volumes and up again: same names, new (empty) volumes
        dockerd.compose(compose, "down", "-v");
        dockerd.compose(compose, "up", "-d");
        writeFiles(dockerd, compose, "claude-grafana", "/var/lib/grafana", 4);
        String fresh = snapshot(dockerd, "w2-mon_claude_grafana_data");
        withVerify(verifyPasses(), () -> {
            Run r = migrate(p.retire(dockerd, "--yes"));
            assertEquals(ExitCodes.REFUSED, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("not the same world") && r.err().contains("of the plan are gone, but this run never"
                    + " removed them (was the stack brought down and up again?)"), r.err());
            assertTrue(r.err().contains("is gone from the engine, and this run never archived it"), "the old anonymous volume: " + r.err());
        });
        assertEquals(3, runningNames(dockerd, "w2-mon").size(), "the new stack still runs");
        assertEquals(fresh, snapshot(dockerd, "w2-mon_claude_grafana_data"));
        try (Stream<Path> files = Files.walk(backups)) {
            assertEquals(0, files.filter(Files::isRegularFile).count(), "nothing archived");
        }
    }

    @Test
    void twoRetiresAtOnceTheSecondIsRefusedNamingTheFirst() throws Exception {
        Project p = project("w3-mon", "claude-prometheus", "/prometheus", 8);
        Path compose = p.compose();
        Path state = p.state();
        Path backups = p.backups();

        Process first = startPaused(p.retire(dockerd, "--yes"), "stop", 120);
        try {
            withVerify(verifyPasses(), () -> {
                Run r = migrate(p.retire(dockerd, "--yes"));
                assertEquals(ExitCodes.REFUSED, r.code(), r.out() + r.err());
                assertTrue(r.err().contains("another migrate step holds the state directory " + state + ": migrate retire --yes (pid "
                        + first.pid() + ", since "), r.err());
                assertTrue(r.err().contains("nothing was changed"), r.err());
            });
            try (Stream<Path> files = Files.walk(backups)) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "the second run archived nothing");
            }
        } finally {
            first.destroyForcibly();
            first.waitFor();
        }
        // the first one died (kill -9): the kernel released its lock, and a rerun resumes its run
        withVerify(verifyPasses(), () -> {
            Run r = migrate(p.retire(dockerd, "--yes"));
            assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("resuming retire run"), r.out());
        });
    }

    @Test
    void aVolumeThatReadsBackEmptyWhereThePlanSawDataFailsAndNothingIsRemoved() throws Exception {
        Project p = project("w4-mon", "claude-grafana", "/var/lib/grafana", 64);
        Path compose = p.compose();
        Path state = p.state();
        Path backups = p.backups();
        killMidway(p.retire(dockerd, "--yes"), "stop");

        // the Grafana volume's content vanishes after the plan was made
        dockerd.docker("run", "--rm", "--network", "none", "-v", "w4-mon_claude_grafana_data:/v", IMAGE, "sh", "-c",
                "rm -rf /v/* /v/.[!.]*");
        withVerify(verifyPasses(), () -> {
            Run r = migrate(p.retire(dockerd, "--yes"));
            assertEquals(ExitCodes.FAILED, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("volume w4-mon_claude_grafana_data held ") && r.err().contains("but it reads back empty now")
                    && r.err().contains("nothing was archived or removed"), r.err());
        });
        assertEquals(StepRecord.FAILED, new Ledger(state).latest("retire").orElseThrow().outcome());
        assertTrue(volumeNames(dockerd).contains("w4-mon_claude_grafana_data"));
        assertEquals(3, containerNames(dockerd, "w4-mon").size(), "no container was removed");
        try (Stream<Path> files = Files.walk(backups)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("w4-mon_claude_grafana_data")),
                    "no archive of the empty volume");
        }
    }

    @Test
    void aManifestNamingAnArchiveOutsideTheBackupDirectoryIsRefusedBeforeAnythingIsRead() throws Exception {
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path runDir = Files.createDirectories(backups.resolve("w5-mon-20260101T000000Z-abcdef"));
        Path state = tmp.resolve("state");
        // a valid archive, but outside --backup-dir
        Path loot = volumeTar(tmp.resolve("loot.tar.gz"), "secret", "loot\n");
        String sha = RetireEngineTest.sha256(loot);
        TarContent content = VolumeArchiver.check(loot, sha, true);
        String volume = "w5-mon_claude_grafana_data";
        for (String named : List.of("../../loot.tar.gz", loot.toString(), "link.tar.gz")) {
            if (named.equals("link.tar.gz")) {
                Files.createSymbolicLink(runDir.resolve(named), loot);
            }
            ArchiveManifest m = new ArchiveManifest(volume, "w5-mon", Map.of(DockerEngine.PROJECT_LABEL, "w5-mon"), 5, named,
                    sha, Files.size(loot), content.files(), content.contentBytes(), IMAGE, Instant.now());
            Files.write(runDir.resolve(volume + ArchiveManifest.SUFFIX), Json.MAPPER.writeValueAsBytes(m));
            Run r = restore(dockerd, "w5-mon", state, backups);
            assertEquals(ExitCodes.REFUSED, r.code(), named + ": " + r.out() + r.err());
            assertTrue(r.err().contains("the archive named in the manifest of volume '" + volume + "' '" + named
                    + "' cannot be a file in " + runDir), r.err());
            assertFalse(volumeNames(dockerd).contains(volume), named + ": nothing was restored");
        }
    }

    @Test
    void aRestoreWhileAnotherStepHoldsTheStateDirectoryIsRefusedAndRestoresNothing() throws Exception {
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path runDir = Files.createDirectories(backups.resolve("w6-mon-20260101T000000Z-abcdef"));
        Path state = tmp.resolve("state");
        String volume = "w6-mon_claude_grafana_data";
        Path archive = volumeTar(runDir.resolve(volume + ".tar.gz"), "dashboards.db", "grafana's data\n");
        String sha = RetireEngineTest.sha256(archive);
        TarContent content = VolumeArchiver.check(archive, sha, true);
        ArchiveManifest m = new ArchiveManifest(volume, "w6-mon", Map.of(DockerEngine.PROJECT_LABEL, "w6-mon"), 15,
                archive.getFileName().toString(), sha, Files.size(archive), content.files(), content.contentBytes(), IMAGE, Instant.now());
        Files.write(runDir.resolve(volume + ArchiveManifest.SUFFIX), Json.MAPPER.writeValueAsBytes(m));

        try (dev.migrate.io.StateLock held = dev.migrate.io.StateLock.acquire(state, "migrate retire --yes")) {
            Run r = restore(dockerd, "w6-mon", state, backups);
            assertEquals(ExitCodes.REFUSED, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("another migrate step holds the state directory " + state + ": migrate retire --yes (pid "
                    + ProcessHandle.current().pid() + ", since "), r.err());
            assertFalse(volumeNames(dockerd).contains(volume), "nothing was restored while the other step ran");
        }
        Run r = restore(dockerd, "w6-mon", state, backups);
        assertEquals(ExitCodes.OK, r.code(), "once the state directory is free: " + r.out() + r.err());
        assertTrue(volumeNames(dockerd).contains(volume));
    }

    /** {@code archive}: a gzipped tar of a directory 'volume' holding one file, as retire archives a volume. */
    private Path volumeTar(Path archive, String file, String text) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/volume"));
        Files.writeString(src.resolve(file), text);
        Process tar = new ProcessBuilder("tar", "-C", tmp.resolve("src").toString(), "-czf", archive.toString(), "volume")
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        return archive;
    }

    /** How the refusal names an engine: its ID (two engines on one host may share it) and its data root. */
    private static String engineId(DockerdProcess d) {
        return d.docker("info", "-f", "{{.ID}} (data root {{.DockerRootDir}})").strip();
    }
}
