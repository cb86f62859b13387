package dev.migrate.cli;

import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusCommandTest {
    @TempDir
    Path dir;

    @Test
    void nextStepIsTheFirstNotPassedWithTheseSettings() {
        Ledger ledger = new Ledger(dir);
        String digest = Settings.defaults().digest();
        Instant t = Instant.parse("2026-11-27T06:00:00Z");
        ledger.append(new StepRecord("deploy", t, t, digest, StepRecord.PASSED, "applied", "", Map.of()));
        ledger.append(new StepRecord("verify", t, t, "sha256:other", StepRecord.PASSED, "ok", "", Map.of()));

        Map<String, Optional<StepRecord>> latest = new LinkedHashMap<>();
        for (String step : StatusCommand.STEPS) {
            latest.put(step, ledger.latest(step));
        }
        assertEquals("migrate verify", StatusCommand.nextStep(latest, digest),
                "a verify that passed with other settings proves nothing about these");
    }

    @Test
    void aFailedStepIsNextEvenIfLaterOnesPassed() {
        Ledger ledger = new Ledger(dir);
        String digest = Settings.defaults().digest();
        Instant t = Instant.parse("2026-11-27T06:00:00Z");
        for (String step : StatusCommand.STEPS) {
            ledger.append(new StepRecord(step, t, t, digest, StepRecord.PASSED, "ok", "", Map.of()));
        }
        Map<String, Optional<StepRecord>> latest = new LinkedHashMap<>();
        StatusCommand.STEPS.forEach(step -> latest.put(step, ledger.latest(step)));
        assertEquals("nothing: the migration is complete", StatusCommand.nextStep(latest, digest));

        ledger.append(new StepRecord("soak", t, t, digest, StepRecord.FAILED, "gap", "", Map.of()));
        latest.put("soak", ledger.latest("soak"));
        assertEquals("migrate soak", StatusCommand.nextStep(latest, digest));
    }

    @Test
    void onceRetireHasPassedTheRecordIsNextAndAWrittenRecordCompletesTheMigration() {
        Ledger ledger = new Ledger(dir);
        String digest = Settings.defaults().digest();
        Instant t = Instant.parse("2026-11-27T06:00:00Z");
        for (String step : java.util.List.of("deploy", "verify", "soak", "retire")) {
            ledger.append(new StepRecord(step, t, t, digest, StepRecord.PASSED, "ok", "", Map.of()));
        }
        Map<String, Optional<StepRecord>> latest = new LinkedHashMap<>();
        StatusCommand.STEPS.forEach(step -> latest.put(step, ledger.latest(step)));
        assertEquals("migrate record", StatusCommand.nextStep(latest, digest));

        ledger.append(new StepRecord(RecordCommand.STEP, t, t, digest, StepRecord.PASSED, "wrote", "", Map.of()));
        latest.put(RecordCommand.STEP, ledger.latest(RecordCommand.STEP));
        assertEquals("nothing: the migration is complete", StatusCommand.nextStep(latest, digest));
    }
}
