package dev.migrate.checks;

import dev.migrate.ExitCodes;

import java.util.Collection;

/** Folds many results into one verdict and its exit code: any fail wins, then any inconclusive. */
public enum Outcome {
    PASSED(ExitCodes.OK), FAILED(ExitCodes.FAILED), INCONCLUSIVE(ExitCodes.INCONCLUSIVE);

    private final int exitCode;

    Outcome(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Outcome of(Collection<CheckResult> results) {
        if (results.stream().anyMatch(r -> r.status() == Status.FAIL)) {
            return FAILED;
        }
        if (results.stream().anyMatch(r -> r.status() == Status.INCONCLUSIVE)) {
            return INCONCLUSIVE;
        }
        return PASSED;
    }
}
