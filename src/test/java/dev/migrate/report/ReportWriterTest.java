package dev.migrate.report;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one report writer: where a report may not go, and a full disk (a real 256 KiB tmpfs, filled up). */
class ReportWriterTest {
    @TempDir
    Path tmp;
    Path disk;

    @BeforeEach
    void fullDisk() throws IOException {
        disk = Files.createDirectory(tmp.resolve("disk"));
        DockerdProcess.Result r = DockerdProcess.run(List.of("mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs",
                disk.toString()), null, null);
        assertEquals(0, r.code(), "mounting a small tmpfs needs root: " + r.err());
    }

    @AfterEach
    void unmount() {
        DockerdProcess.run(List.of("umount", disk.toString()), null, null);
    }

    private void fill() throws IOException {
        try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // no space left on device: the disk is full
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals("filler")).sorted().toList();
        }
    }

    @Test
    void aFullDiskLeavesNoEmptyReportAndKeepsTheOldOne() throws Exception {
        Settings settings = Settings.defaults().with(Map.of("state-dir", tmp.resolve("state").toString()));
        ReportWriter writer = new ReportWriter(settings, false);
        Path old = disk.resolve("old.xml");
        Files.writeString(old, JUnitReport.MARKER + "verify\" tests=\"1\"/>");
        fill();
        String big = JUnitReport.MARKER + "x".repeat(200_000);
        UserError e = assertThrows(UserError.class, () -> writer.write("--junit", disk.resolve("new.xml"), big, JUnitReport.MARKER));
        assertTrue(e.getMessage().contains("no space left on device"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertThrows(UserError.class, () -> writer.write("--junit", old, big, JUnitReport.MARKER));
        assertEquals(List.of(old), files(disk), "no 0-byte report, no temp file");
        assertTrue(Files.readString(old).startsWith(JUnitReport.MARKER), "the old report is unchanged");
    }

    @Test
    void verifyOnAFullDiskFailsInOneLineWithoutA0ByteReport() throws Exception {
        Path config = Files.writeString(tmp.resolve("migrate.yaml"), "");
        Path state = tmp.resolve("state");
        fill();
        // only the VIP check runs (against a closed loopback port); then verify writes its reports
        CliRun run = CliRun.of("verify", "--config", config.toString(), "--state-dir", state.toString(),
                "--otlp-grpc-endpoint", "http://127.0.0.1:1", "--otlp-http-endpoint", "http://127.0.0.1:1",
                "--junit", disk.resolve("verify.xml").toString());
        // The checks ran before the disk refused the report: a failed run (1), not bad input (2), and the
        // outcome is still in the ledger.
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("--junit " + disk.resolve("verify.xml") + ": cannot write the report (no space left on device)"),
                run.err());
        assertTrue(run.errorLine().contains("the checks ran: their outcome, failed, is in the ledger"), run.err());
        assertEquals(List.of(), files(disk));

        CliRun stateFull = CliRun.of("verify", "--config", config.toString(), "--state-dir", disk.resolve("state").toString(),
                "--otlp-grpc-endpoint", "http://127.0.0.1:1", "--otlp-http-endpoint", "http://127.0.0.1:1");
        assertNotEquals(ExitCodes.OK, stateFull.exitCode(), stateFull.err());
        assertTrue(stateFull.errorLine().contains("no space left on device"), stateFull.err());
        try (Stream<Path> all = Files.walk(disk.resolve("state"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                assertTrue(Files.size(p) > 0 || p.getFileName().toString().equals("ledger.jsonl"), "a 0-byte state file: " + p);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
    }

    @Test
    void aReportNeverReplacesTheLedgerTheSettingsOrAForeignFileWithoutForce() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path settingsFile = Files.writeString(tmp.resolve("my-settings.yaml"), "vip: 10.10.30.22\n");
        Settings settings = dev.migrate.settings.SettingsLoader.load(java.util.Optional.of(settingsFile), Map.of(),
                Map.of("state-dir", state.toString()));
        Path foreign = Files.writeString(tmp.resolve("notes.txt"), "mine\n");
        ReportWriter writer = new ReportWriter(settings, false);
        for (Path target : List.of(state.resolve("ledger.jsonl"), settingsFile, foreign, tmp.resolve("x/migrate.yaml"))) {
            UserError e = assertThrows(UserError.class, () -> writer.check("--junit", target, JUnitReport.MARKER));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        new ReportWriter(settings, true).write("--junit", foreign, JUnitReport.MARKER + "verify\"/>", JUnitReport.MARKER);
        assertTrue(Files.readString(foreign).startsWith(JUnitReport.MARKER));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign)));
        assertFalse(Files.exists(state.resolve("ledger.jsonl")));
    }
}
