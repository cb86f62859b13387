package dev.migrate.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LedgerTest {
    @TempDir
    Path dir;

    private static StepRecord record(String step, String outcome) {
        Instant now = Instant.parse("2026-11-27T06:00:00Z");
        return new StepRecord(step, now, now.plusSeconds(3), "sha256:abc", outcome, "summary", "",
                Map.of("k", "v"));
    }

    @Test
    void recordsAreKeptInOrderAndPrivate() throws Exception {
        Path state = dir.resolve("state");
        Ledger ledger = new Ledger(state);
        ledger.append(record("deploy", StepRecord.FAILED));
        ledger.append(record("deploy", StepRecord.PASSED));
        ledger.append(record("verify", StepRecord.INCONCLUSIVE));

        assertEquals(3, ledger.all().size());
        assertEquals(StepRecord.PASSED, ledger.latest("deploy").orElseThrow().outcome());
        assertEquals("v", ledger.latest("verify").orElseThrow().details().get("k"));
        assertTrue(ledger.latest("soak").isEmpty());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(Ledger.FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
    }

    @Test
    void aTornLastLineIsIgnored() throws Exception {
        Ledger ledger = new Ledger(dir);
        ledger.append(record("soak", StepRecord.PASSED));
        Files.writeString(dir.resolve(Ledger.FILE), "{\"step\":\"retire\",\"outc", StandardOpenOption.APPEND);
        assertEquals(1, ledger.all().size());
        assertEquals("soak", ledger.all().get(0).step());
    }
}
