package dev.migrate.soak;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one line at the top of report.html: what happened and what to do next. */
class HtmlReportTest {
    static final String ENDPOINT_FIX = "check the URL and the health of the endpoint named in the error, then start over"
            + " with 'migrate soak --restart'";

    static SoakState.Verdict failed(CheckResult... results) {
        return new SoakState.Verdict(Outcome.FAILED, List.of(results),
                new Coverage(Instant.parse("2026-11-27T00:00:00Z"), Duration.ofHours(24), Duration.ofSeconds(60)), "failed");
    }

    @Test
    void checksThatFailedTheSameWayNameTheirFixOnceAndTheRestartOnce() {
        CheckResult up = CheckResult.fail("collector-up", "5 query errors in a row", "the endpoint did not answer", ENDPOINT_FIX);
        CheckResult rate = CheckResult.fail("data-rate", "5 query errors in a row", "the endpoint did not answer", ENDPOINT_FIX);
        CheckResult dropped = CheckResult.fail("no-drops", "3 failed", "spans were dropped", "raise the memory limit.");

        assertEquals("3 check(s) failed: collector-up, data-rate, no-drops. Next: check the URL and the health of the"
                        + " endpoint named in the error; raise the memory limit, then start over with 'migrate soak --restart'.",
                HtmlReport.nextStep(failed(up, rate, dropped, CheckResult.pass("coverage", "observed 24h"))));
    }
}
