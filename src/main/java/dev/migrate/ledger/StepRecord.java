package dev.migrate.ledger;

import java.time.Instant;
import java.util.Map;

/**
 * One run of one step, as the ledger keeps it.
 *
 * @param step           deploy, verify, soak or retire
 * @param startedAt      when the run began
 * @param finishedAt     when it ended
 * @param settingsDigest {@code Settings.digest()} of the settings it ran with
 * @param outcome        one of the OUTCOME constants
 * @param summary        one line for `migrate status`
 * @param reportPath     the report written for this run, or empty
 * @param details        step-specific facts later steps rely on (e.g. soak coverage), never secrets
 */
public record StepRecord(String step, Instant startedAt, Instant finishedAt, String settingsDigest, String outcome,
                         String summary, String reportPath, Map<String, String> details) {
    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String INCONCLUSIVE = "inconclusive";
    public static final String REFUSED = "refused";
    public static final String INTERRUPTED = "interrupted";

    public StepRecord {
        reportPath = reportPath == null ? "" : reportPath;
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public boolean passed() {
        return PASSED.equals(outcome);
    }
}
