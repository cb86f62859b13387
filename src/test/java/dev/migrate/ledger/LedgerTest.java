package dev.migrate.ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.migrate.io.JsonlLog;

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

    @Test
    void aRecordAppendedAfterATornLineStartsOnItsOwnLineAndTheFragmentIsReportedByNumber() throws Exception {
        Ledger ledger = new Ledger(dir);
        ledger.append(record("soak", StepRecord.PASSED));
        Files.writeString(dir.resolve(Ledger.FILE), "{\"step\":\"retire\",\"outc", StandardOpenOption.APPEND);
        ledger.append(record("retire", StepRecord.PASSED)); // before the fix: glued onto the fragment and lost

        assertEquals(List.of("soak", "retire"), ledger.all().stream().map(StepRecord::step).toList());
        assertEquals(StepRecord.PASSED, ledger.latest("retire").orElseThrow().outcome());
        var read = ledger.read();
        assertEquals(1, read.unreadable().size());
        assertEquals(2, read.unreadable().get(0).number());
        assertEquals(3, Files.readAllLines(dir.resolve(Ledger.FILE)).size());
    }

    @Test
    void unreadableLinesAnywhereAreReportedWithTheirNumbersNotSkippedSilently() throws Exception {
        Ledger ledger = new Ledger(dir);
        ledger.append(record("deploy", StepRecord.PASSED));
        Files.writeString(dir.resolve(Ledger.FILE), "not json\n{\"step\":\"verify\"}\n", StandardOpenOption.APPEND);
        ledger.append(record("verify", StepRecord.PASSED));
        var read = ledger.read();
        assertEquals(2, read.records().size());
        assertEquals(List.of(2, 3), read.unreadable().stream().map(JsonlLog.Unreadable::number).toList());
    }

    @Test
    void theRetireJournalAlsoStartsANewLineAfterATornTail() throws Exception {
        Path file = dir.resolve("retire/journal.jsonl");
        dev.migrate.retire.Journal journal = new dev.migrate.retire.Journal(file);
        journal.complete("run-0", Map.of("outcome", "passed"));
        Files.writeString(file, "{\"at\":\"2026", StandardOpenOption.APPEND);
        journal.complete("run-1", Map.of("outcome", "passed"));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(2).contains("run-1"), lines.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void aStateFileIsPrivateFromItsFirstByteAndReplacedAtomically() throws Exception {
        Ledger ledger = new Ledger(dir);
        Path report = ledger.writePrivate(dir.resolve("reports/r.json"), "{\"a\":1}");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
        ledger.writePrivate(report, "{\"a\":2}");
        assertEquals("{\"a\":2}", Files.readString(report));
        try (var left = Files.list(report.getParent())) {
            assertEquals(List.of(report), left.toList(), "no temp file left behind");
        }
    }
}
