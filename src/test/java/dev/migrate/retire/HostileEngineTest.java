package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An engine that lists names a real dockerd refuses to create: a volume named
 * {@code ../../../escaped-grafana}, containers whose name, state and image hold ESC sequences, NUL,
 * DEL, U+009B and U+202E. A double, because dockerd validates names on create (so only a compromised
 * or impostor engine, or a proxy in front of one, can answer them); retire must not trust them.
 */
class HostileEngineTest {
    static final String HOSTILE_VOLUME = "../../../escaped-grafana";
    static final String HOSTILE_NAME = "grafana\u001b]0;owned\u0007\u001b[2J\u0000\u007f\u009b31m\u202edeliaf";

    @TempDir
    Path tmp;

    @Test
    void theRetirePlanEscapesEveryNameStateAndImageTheEngineSupplied() {
        HostileEngine engine = new HostileEngine("hostile_data");
        String out = plan(engine, false);
        for (char c : new char[] {0x1b, 0x07, 0x00, 0x7f, 0x9b, 0x202e}) {
            assertEquals(-1, out.indexOf(c), "raw U+" + Integer.toHexString(c) + " in the plan:\n" + out);
        }
        assertTrue(out.contains("grafana\\e]0;owned\\x07\\e[2J\\x00\\x7f\\x9b31m\\u202edeliaf"), out);
        assertTrue(out.contains("running\\e[5m") && out.contains("img\\x00:1\\u202e"), out);
        assertTrue(out.contains("plan only: nothing was changed"), out);
        assertEquals(List.of(), engine.calls);
    }

    @Test
    void aVolumeNameThatLeadsOutOfTheBackupDirectoryIsRefusedBeforeAnythingChanges() throws Exception {
        HostileEngine engine = new HostileEngine(HOSTILE_VOLUME);
        Path backups = Files.createDirectories(tmp.resolve("deep/er/backups"));
        UserError e = assertThrows(UserError.class, () -> plan(engine, true));
        assertEquals(ExitCodes.REFUSED, e.exitCode());
        assertTrue(e.getMessage().startsWith("volume name from the Docker engine '../../../escaped-grafana.tar.gz' cannot be a"
                + " file in " + backups.resolve("hostile-")), e.getMessage());
        assertTrue(e.getMessage().contains("'..' path segment"), e.getMessage());
        assertEquals(List.of(), engine.calls, "nothing stopped, archived or removed");
        try (Stream<Path> all = Files.walk(tmp)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().contains("escaped")), "nothing written for it");
        }

        // the archiver itself confines too (a journaled plan from before this check reaches it directly)
        Inventory.Volume v = new Inventory.Volume(HOSTILE_VOLUME, Map.of(), 10, false, List.of());
        UserError direct = assertThrows(UserError.class, () -> new VolumeArchiver(engine, d -> 1L << 40)
                .archive("hostile", v, backups.resolve("run"), "img"));
        assertEquals(ExitCodes.REFUSED, direct.exitCode());
        try (Stream<Path> all = Files.walk(tmp)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().contains("escaped")), "nothing written for it");
        }
        assertEquals(List.of(), engine.calls);
    }

    /** retire (with --yes or not) against the hostile engine; returns what it printed. */
    private String plan(HostileEngine engine, boolean yes) {
        Settings settings = Settings.defaults().with(Map.of("compose-project", "hostile", "state-dir", tmp.resolve("state").toString()));
        Ledger ledger = new Ledger(tmp.resolve("state"));
        ledger.append(new StepRecord("soak", Instant.now(), Instant.now(), settings.digest(), StepRecord.PASSED, "", "",
                Map.of(Gate.SOAK_DURATION_SECONDS, "86400")));
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter writer = new java.io.PrintWriter(text, true);
        Retirer retirer = new Retirer(engine, ledger, settings, ComposeFixture.verifyPasses().create(settings), d -> 1L << 40,
                dev.migrate.io.ProgressSink.of(writer, writer), key -> {
        });
        retirer.run(new Retirer.Options("hostile", tmp.resolve("deep/er/backups"), true, List.of(1), Duration.ofSeconds(1),
                yes, false, "", ""));
        writer.flush();
        return text.toString();
    }

    /** One container of project "hostile", mounting one volume; records every call that would change something. */
    static final class HostileEngine extends RecordingEngine {
        private final String volume;

        HostileEngine(String volume) {
            this.volume = volume;
        }

        @Override
        public EngineInfo info() {
            return new EngineInfo("fake://hostile", "test", "1.41", "20.10", "HOSTILE:ENGINE:ID", "/var/lib/docker");
        }

        @Override
        public List<ContainerInfo> containersWithLabel(String label, String value) {
            return List.of(new ContainerInfo("c0ffee", HOSTILE_NAME, "img\u0000:1\u202e", "sha256:img",
                    Map.of(PROJECT_LABEL, "hostile"), "running\u001b[5m", "always",
                    List.of(new Mount("volume", volume, "", "/var/lib/grafana")), List.of()));
        }

        @Override
        public List<VolumeInfo> volumes() {
            return List.of(new VolumeInfo(volume, "local", Map.of(PROJECT_LABEL, "hostile")));
        }

        @Override
        public Map<String, Long> volumeSizes() {
            return Map.of(volume, 10L);
        }

        @Override
        public InputStream archiveVolume(String volume, String helperImage) {
            calls.add("archive:" + volume);
            return InputStream.nullInputStream();
        }
    }
}
