package dev.migrate.report;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run's results, as every renderer receives them.
 *
 * @param step      "verify", "soak" ...
 * @param startedAt when the run began
 * @param finishedAt when it ended
 * @param outcome   the verdict the step decided (reports render it, never recompute it)
 * @param results   in the catalogue's order
 */
public record RunReport(String step, Instant startedAt, Instant finishedAt, Outcome outcome, List<CheckResult> results) {
    public RunReport {
        results = List.copyOf(results);
    }

    /** A report whose verdict is {@link Outcome#of}, the usual fold. */
    public static RunReport of(String step, Instant startedAt, Instant finishedAt, List<CheckResult> results) {
        return new RunReport(step, startedAt, finishedAt, Outcome.of(results), results);
    }

    public Duration elapsed() {
        return Duration.between(startedAt, finishedAt);
    }

    /** Count per status label, every status present (zeros included), in a fixed order. */
    public Map<String, Integer> counts() {
        Map<String, Integer> out = new TreeMap<>();
        for (Status s : Status.values()) {
            out.put(s.label(), 0);
        }
        results.forEach(r -> out.merge(r.status().label(), 1, Integer::sum));
        return out;
    }
}
