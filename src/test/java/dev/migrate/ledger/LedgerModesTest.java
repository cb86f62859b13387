package dev.migrate.ledger;

import dev.migrate.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State files are what migrate promised: 0600 regular files, never followed through a link. */
class LedgerModesTest {
    @TempDir
    Path dir;

    private static StepRecord record() {
        return new StepRecord("verify", Instant.EPOCH, Instant.EPOCH, "sha256:0", StepRecord.PASSED, "ok", "", Map.of());
    }

    @Test
    void aLedgerLoosenedByHandIsTightenedOnTheNextAppend() throws Exception {
        Ledger ledger = new Ledger(dir);
        ledger.append(record());
        Files.setPosixFilePermissions(dir.resolve(Ledger.FILE), PosixFilePermissions.fromString("rw-r--r--"));
        ledger.append(record());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Ledger.FILE))));
    }

    @Test
    void aLedgerThatIsALinkIsNeitherFollowedForWritingNorForReading() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere.txt"), "someone else's file\n");
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.createSymbolicLink(state.resolve(Ledger.FILE), elsewhere);
        Ledger ledger = new Ledger(state);
        UserError write = assertThrows(UserError.class, () -> ledger.append(record()));
        assertTrue(write.getMessage().contains("symbolic link"), write.getMessage());
        UserError read = assertThrows(UserError.class, ledger::read);
        assertTrue(read.getMessage().contains("symbolic link"), read.getMessage());
        assertEquals("someone else's file\n", Files.readString(elsewhere));
    }
}
