package dev.migrate.checks;

import java.time.Duration;

/** One check of the live pipeline: a name from the catalogue, its own timeout, and a run that returns a result. */
public interface Check {
    String name();

    /** How long the runner waits for this check before reporting it failed; the others are not held up. */
    Duration timeout();

    /**
     * Runs the check. Endpoint failures may be thrown ({@code EndpointException}): the runner turns them
     * into a failed result with cause and fix. A missing input is {@link CheckContext.Missing}: skipped.
     */
    CheckResult run(CheckContext ctx) throws Exception;
}
