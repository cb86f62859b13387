package dev.migrate.soak;

import dev.migrate.checks.CheckResult;

import java.time.Instant;

/**
 * One check's measurements over the soak, judged as Argo Rollouts judges an AnalysisRun metric:
 * more failures than {@code failureLimit}, or more errors in a row than {@code consecutiveErrorLimit},
 * fails it; a check that never passed is inconclusive (an optional one that never had data is
 * skipped); otherwise it passed. Counts only, so memory
 * stays flat however long the soak runs.
 */
public final class CheckTally {
    private final AnalysisCheck check;
    private long measured;
    private long passed;
    private long failed;
    private long inconclusive;
    private long errors;
    private int consecutiveErrors;
    private int worstErrorRun;
    private Instant lastAt;
    private Instant lastProblemAt;
    private String lastProblem = "";

    public CheckTally(AnalysisCheck check) {
        this.check = check;
    }

    public void add(Measurement m, Instant at) {
        measured++;
        lastAt = at;
        switch (m.status()) {
            case PASS -> passed++;
            case FAIL -> failed++;
            case INCONCLUSIVE -> inconclusive++;
            case ERROR -> errors++;
        }
        consecutiveErrors = m.status() == Measurement.Result.ERROR ? consecutiveErrors + 1 : 0;
        worstErrorRun = Math.max(worstErrorRun, consecutiveErrors);
        if (m.status() == Measurement.Result.FAIL || m.status() == Measurement.Result.ERROR) {
            lastProblemAt = at;
            lastProblem = m.note();
        }
    }

    public AnalysisCheck check() {
        return check;
    }

    /** When it was last measured, or null. */
    public Instant lastAt() {
        return lastAt;
    }

    public long failed() {
        return failed;
    }

    public boolean tooManyFailures() {
        return failed > check.failureLimit();
    }

    public boolean tooManyErrors() {
        return worstErrorRun > check.consecutiveErrorLimit();
    }

    /** The check has already failed the soak; more cycles cannot change that. */
    public boolean breached() {
        return tooManyFailures() || tooManyErrors();
    }

    public CheckResult result() {
        String counts = measured + " measured: " + passed + " passed, " + failed + " failed (limit " + check.failureLimit()
                + "), " + inconclusive + " inconclusive, " + errors + " errors";
        String last = lastProblemAt == null ? "" : "; last problem at " + Progress.time(lastProblemAt) + ": " + lastProblem;
        if (tooManyFailures()) {
            return CheckResult.fail(check.name(), counts + last,
                    check.description().isEmpty() ? "failed more often than failureLimit allows"
                            : "not true often enough: " + check.description(), check.fix());
        }
        if (tooManyErrors()) {
            return CheckResult.fail(check.name(), worstErrorRun + " query errors in a row (consecutiveErrorLimit "
                            + check.consecutiveErrorLimit() + ")" + last,
                    "the endpoint did not answer for " + worstErrorRun + " cycles in a row, so nothing was proven meanwhile",
                    "check the URL and the health of the endpoint named in the error, then start over with 'migrate soak --restart'");
        }
        if (passed == 0 && failed == 0 && check.optional()) {
            return CheckResult.skipped(check.name(), "optional check never had data (" + counts + last
                    + "); it did not count. To use it: " + (check.fix().isEmpty() ? "expose the metric it reads" : check.fix()));
        }
        if (passed == 0) {
            return CheckResult.inconclusive(check.name(), measured == 0 ? "never measured" : counts + last,
                    measured == 0 ? "the soak ended before this check was due"
                            : "no measurement passed, so the soak never saw it work (noData is " + check.noData().label() + ")",
                    check.fix());
        }
        return CheckResult.pass(check.name(), counts);
    }
}
