package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.docker.DockerEngine;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A container that does not stop within the timeout (a real engine SIGKILLs after the timeout,
 * so only a fake can hold one up, e.g. a process in uninterruptible sleep): retire stops there
 * and deletes nothing; the rerun resumes.
 */
class StopRefusalTest {
    @TempDir
    Path tmp;

    @Test
    void aContainerThatWillNotStopEndsTheRunBeforeAnyArchiveOrRemoval() throws Exception {
        FakeEngine engine = new FakeEngine();
        Settings settings = Settings.defaults().with(Map.of("compose-project", "fake", "state-dir", tmp.toString()));
        Ledger ledger = new Ledger(tmp);
        ledger.append(new StepRecord("soak", Instant.now(), Instant.now(), settings.digest(), StepRecord.PASSED, "", "",
                Map.of(Gate.SOAK_DURATION_SECONDS, "86400")));
        Retirer retirer = new Retirer(engine, ledger, settings, ComposeFixture.verifyPasses().create(settings), dir -> 1L << 40,
                dev.migrate.io.ProgressSink.NONE, key -> {
        });
        Path backups = Files.createDirectories(tmp.resolve("b"));
        Retirer.Options o = new Retirer.Options("fake", backups, true, List.of(ComposeFixture.freePort()), Duration.ofSeconds(1),
                true, false, "", "");

        UserError e = assertThrows(UserError.class, () -> retirer.run(o));
        assertEquals(ExitCodes.FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("container fake_stubborn_1 did not stop within 1 s")
                && e.getMessage().contains("nothing was deleted"), e.getMessage());
        assertEquals(List.of("policy:a=no", "policy:b=no", "stop:a", "stop:b"), engine.calls, "no archive, no removal");
        assertEquals(StepRecord.FAILED, ledger.latest("retire").orElseThrow().outcome());

        // once it stops, the rerun resumes: policies are not set again, the stop is retried; nothing was
        // archived yet, so the operator may point the run at another backup directory
        engine.stubborn = false;
        engine.calls.clear();
        Path other = Files.createDirectories(tmp.resolve("other"));
        Retirer.Options moved = new Retirer.Options("fake", other, true, o.ports(), o.stopTimeout(), true, false, "", "");
        assertThrows(UnsupportedOperationException.class, () -> retirer.run(moved), "goes on to archive");
        assertEquals(List.of("stop:b", "helpers"), engine.calls);
        Path archiveDir = Path.of(new Journal(tmp.resolve("retire/journal.jsonl")).last("fake").run().orElseThrow().plan().archiveDir());
        assertEquals(other, archiveDir.getParent());
    }

    /** Two containers of project "fake"; b refuses to stop while {@link #stubborn}. */
    static final class FakeEngine extends RecordingEngine {
        boolean stubborn = true;

        private static ContainerInfo container(String id, String name) {
            return new ContainerInfo(id, name, "img", "sha256:img", Map.of(PROJECT_LABEL, "fake"), "running", "always",
                    List.of(new Mount("volume", "fake_data_" + id, "", "/data")), List.of());
        }

        @Override
        public EngineInfo info() {
            return new EngineInfo("fake://", "test", "1.41", "20.10", "FAKE:ENGINE:ID", "/var/lib/docker");
        }

        @Override
        public List<ContainerInfo> containersWithLabel(String label, String value) {
            return List.of(container("a", "fake_ok_1"), container("b", "fake_stubborn_1"));
        }

        @Override
        public List<VolumeInfo> volumes() {
            return List.of(new VolumeInfo("fake_data_a", "local", Map.of(PROJECT_LABEL, "fake")),
                    new VolumeInfo("fake_data_b", "local", Map.of(PROJECT_LABEL, "fake")));
        }

        @Override
        public Map<String, Long> volumeSizes() {
            return Map.of("fake_data_a", 10L, "fake_data_b", 10L);
        }

        @Override
        public void stop(String containerId, Duration timeout) {
            super.stop(containerId, timeout);
            if (stubborn && containerId.equals("b")) {
                throw new EngineException(409, "container b is still running " + timeout.toSeconds() + " s after the stop request");
            }
        }
    }
}
