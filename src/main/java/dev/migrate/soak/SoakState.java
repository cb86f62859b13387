package dev.migrate.soak;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a soak stands, built by replaying the journal and then updated cycle by cycle; the same
 * code serves a fresh run, a resumed one, `--report` and `--attach`. Holds counts, not cycles.
 */
public final class SoakState implements Journal.Reader {
    public static final String COVERAGE = "coverage";

    private final Map<String, AnalysisCheck> checks = new LinkedHashMap<>();
    private final Map<String, CheckTally> tallies = new LinkedHashMap<>();
    private JournalHeader header;
    private Coverage coverage;
    private long cycles;
    private long cyclesPassed;
    private long cyclesFailed;
    private Instant lastCycleAt;
    private String lastFailure = "";
    private EndRecord end;

    public SoakState(AnalysisCatalogue catalogue) {
        catalogue.checks().forEach(c -> checks.put(c.name(), c));
    }

    @Override
    public void header(JournalHeader h) {
        this.header = h;
        this.coverage = new Coverage(h.started(), h.duration(), h.interval());
        for (String name : h.checks()) {
            AnalysisCheck check = checks.get(name);
            if (check != null) {
                tallies.put(name, new CheckTally(check));
            }
        }
    }

    @Override
    public void cycle(CycleRecord c) {
        cycles++;
        lastCycleAt = c.at();
        coverage.cycle(c.at());
        boolean bad = false;
        for (Measurement m : c.results()) {
            CheckTally t = tallies.get(m.check());
            if (t != null) {
                t.add(m, c.at());
            }
            if (m.status() == Measurement.Result.FAIL || m.status() == Measurement.Result.ERROR) {
                bad = true;
                lastFailure = c.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + m.check() + ": " + m.note();
            }
        }
        if (bad) {
            cyclesFailed++;
        } else {
            cyclesPassed++;
        }
    }

    @Override
    public void end(EndRecord e) {
        this.end = e;
    }

    public JournalHeader header() {
        return header;
    }

    public long cycles() {
        return cycles;
    }

    public long cyclesPassed() {
        return cyclesPassed;
    }

    /** Cycles with at least one failed or errored measurement. */
    public long cyclesFailed() {
        return cyclesFailed;
    }

    public String lastFailure() {
        return lastFailure;
    }

    public Instant lastCycleAt() {
        return lastCycleAt;
    }

    public EndRecord end() {
        return end;
    }

    /** The check whose value a chart shows, if the analysis has one. */
    public java.util.Optional<AnalysisCheck> charted(AnalysisCheck.Chart chart) {
        return checks.values().stream().filter(c -> c.chart() == chart).findFirst();
    }

    public CheckTally tally(String name) {
        return tallies.get(name);
    }

    /** Coverage as of {@code now}: the time since the last cycle counts, as a gap if it is one. */
    public Coverage coverageAt(Instant now) {
        return coverage.closedAt(now);
    }

    /** Whether the verdict can no longer be a pass, so running on is pointless (Argo fails fast too). */
    public boolean decided(Instant now) {
        return tallies.values().stream().anyMatch(CheckTally::breached)
                || coverageAt(now).gapTotal().compareTo(header.maxGap()) > 0;
    }

    /** Total failed measurements over all checks. */
    public long failures() {
        return tallies.values().stream().mapToLong(CheckTally::failed).sum();
    }

    /**
     * The verdict as of {@code now}: one result per check plus coverage.
     *
     * @param outcome  folded over the results
     * @param results  per check, then "coverage"
     * @param coverage observed time and gaps
     * @param summary  one line for the ledger and `migrate status`
     */
    public record Verdict(Outcome outcome, List<CheckResult> results, Coverage coverage, String summary) {
    }

    public Verdict verdict(Instant now) {
        List<CheckResult> results = new ArrayList<>();
        tallies.values().forEach(t -> results.add(t.result()));
        Coverage cov = coverageAt(now);
        results.add(coverageResult(cov, now));
        Outcome outcome = Outcome.of(results);
        String summary = outcome.label() + ": observed " + Progress.human(cov.covered()) + " of "
                + Progress.human(header.duration()) + ", " + cycles + " cycles, " + failures() + " failed measurements"
                + (cov.gapTotal().isZero() ? "" : ", gaps " + Progress.human(cov.gapTotal()));
        return new Verdict(outcome, results, cov, summary);
    }

    private CheckResult coverageResult(Coverage cov, Instant now) {
        String observed = "observed " + Progress.human(cov.covered()) + " of " + Progress.human(header.duration())
                + "; " + cov.gaps().size() + " gap(s) totalling " + Progress.human(cov.gapTotal())
                + " (max-gap " + Progress.human(header.maxGap()) + ")" + longest(cov);
        if (cov.gapTotal().compareTo(header.maxGap()) > 0) {
            return CheckResult.inconclusive(COVERAGE, observed,
                    "the soak was not running for longer than max-gap allows (machine asleep, process killed, reboot): "
                            + "unobserved time is not proof",
                    "start over with 'migrate soak --restart' on a machine that stays awake, or run it in the cluster: "
                            + "'migrate soak --in-cluster --apply'");
        }
        if (now.isBefore(cov.deadline())) {
            return CheckResult.inconclusive(COVERAGE, observed, "the soak has not run its full duration yet",
                    "let it finish: run 'migrate soak' again to resume it");
        }
        return CheckResult.pass(COVERAGE, observed);
    }

    private static String longest(Coverage cov) {
        return cov.gaps().stream().max((a, b) -> a.length().compareTo(b.length()))
                .map(g -> "; longest " + g.from().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " to "
                        + g.to().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).orElse(""); // to the second
    }

    /** Ledger details retire and status rely on (docs/soak.md, "What retire reads"). */
    public Map<String, String> details(Verdict v, String journal) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("durationSeconds", String.valueOf(header.durationSeconds()));
        d.put("coverageSeconds", String.valueOf(v.coverage().covered().getSeconds()));
        d.put("gapSeconds", String.valueOf(v.coverage().gapTotal().getSeconds()));
        d.put("maxGapSeconds", String.valueOf(header.maxGapSeconds()));
        d.put("intervalSeconds", String.valueOf(header.intervalSeconds()));
        d.put("cycles", String.valueOf(cycles));
        d.put("failures", String.valueOf(failures()));
        d.put("started", header.started().toString());
        d.put("catalogueDigest", header.catalogueDigest());
        d.put("journal", journal);
        return d;
    }
}
