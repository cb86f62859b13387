package dev.migrate.soak;

import dev.migrate.settings.Values;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs cycles on the planned grid (started + k * interval, so drift never accumulates and a resumed
 * soak keeps its rhythm) until the deadline, a decided verdict, or a stop request. A cycle counts
 * only once its record is in the journal; a cycle interrupted by a stop is dropped, never half-kept.
 */
public final class SoakRunner {
    public enum Ending {
        /** The full duration has passed. */
        FINISHED,
        /** A check failed beyond its limits or the gaps exceed max-gap: it can no longer pass. */
        DECIDED,
        /** Stopped by the operator (SIGINT); resumable. */
        STOPPED
    }

    private final AnalysisCatalogue catalogue;
    private final Analyzer analyzer;
    private final Journal journal;
    private final SoakState state;
    private final SoakClock clock;
    private final Progress progress;

    public SoakRunner(AnalysisCatalogue catalogue, Analyzer analyzer, Journal journal, SoakState state, SoakClock clock,
                      Progress progress) {
        this.catalogue = catalogue;
        this.analyzer = analyzer;
        this.journal = journal;
        this.state = state;
        this.clock = clock;
        this.progress = progress;
    }

    /** @param stopRequested polled around every wait and measurement */
    public Ending run(BooleanSupplier stopRequested) {
        JournalHeader h = state.header();
        Instant deadline = h.deadline();
        Map<String, Instant> lastRun = new HashMap<>();
        for (AnalysisCheck c : catalogue.checks()) {
            CheckTally t = state.tally(c.name());
            if (t != null && t.lastAt() != null) {
                lastRun.put(c.name(), t.lastAt());
            }
        }
        long seq = state.cycles();
        Instant next = nextTick(h, state.lastCycleAt(), clock.now());
        try {
            while (true) {
                if (stopRequested.getAsBoolean()) {
                    return Ending.STOPPED;
                }
                if (state.decided(clock.now())) {
                    return Ending.DECIDED;
                }
                Instant before = clock.now();
                Instant last = state.lastCycleAt();
                Long clockBack = null;
                if (last != null && before.isBefore(last)) {
                    // The wall clock went back (NTP, a manual change, a VM restored): cycles are on the journal's
                    // time line, so the next one waits until the clock passes the last one again. Say so, and
                    // count the wait as unobserved time rather than let the hour vanish from the coverage.
                    clockBack = Duration.between(before, last).toMillis();
                    progress.waiting("the clock reads " + before + ", " + Values.format(Duration.ofMillis(clockBack).withNanos(0))
                            + " before the last cycle (" + last + "): it went back; waiting until " + (next.isBefore(deadline) ? next : deadline)
                            + " for the next cycle, and counting that wait as a gap");
                }
                clock.sleepUntil(next.isBefore(deadline) ? next : deadline);
                Instant now = clock.now();
                if (stopRequested.getAsBoolean()) {
                    return Ending.STOPPED;
                }
                if (!now.isBefore(deadline)) {
                    return Ending.FINISHED;
                }
                CycleRecord record = measure(++seq, now, lastRun, clockBack);
                if (stopRequested.getAsBoolean()) {
                    return Ending.STOPPED; // measurements cut short by the stop would lie: drop the cycle
                }
                journal.write(record);
                record.results().forEach(m -> lastRun.put(m.check(), now));
                state.cycle(record);
                progress.cycle(state, now);
                next = nextTick(h, now, clock.now());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Ending.STOPPED;
        } finally {
            progress.done();
        }
    }

    private CycleRecord measure(long seq, Instant now, Map<String, Instant> lastRun, Long clockBackMs) {
        List<Measurement> results = new ArrayList<>();
        Double roundTrip = null;
        Double rate = null;
        Duration slack = state.header().interval().dividedBy(2);
        for (AnalysisCheck c : catalogue.checks()) {
            Instant last = lastRun.get(c.name());
            if (last != null && now.isBefore(last.plus(c.interval()).minus(slack))) {
                continue; // not due: checks with a longer interval run every few cycles
            }
            Measurement m = analyzer.measure(c, now);
            results.add(m);
            if (c.chart() == AnalysisCheck.Chart.ROUND_TRIP && m.value() != null) {
                roundTrip = m.value();
            } else if (c.chart() == AnalysisCheck.Chart.DATA_RATE && m.value() != null) {
                rate = m.value();
            }
        }
        return new CycleRecord(CycleRecord.TYPE, seq, now, results, roundTrip, rate, clockBackMs);
    }

    /** The first grid point after {@code last} (if any) that is not in the past. */
    static Instant nextTick(JournalHeader h, Instant last, Instant now) {
        if (last == null && Duration.between(h.started(), now).compareTo(h.interval()) < 0) {
            return h.started(); // the first cycle runs at once
        }
        long step = h.interval().toMillis();
        Instant floor = last == null ? now : (now.isAfter(last) ? now : last.plusMillis(1));
        long since = Duration.between(h.started(), floor).toMillis();
        long k = since <= 0 ? 0 : (since + step - 1) / step;
        Instant tick = h.started().plusMillis(k * step);
        if (last != null && !tick.isAfter(last)) {
            tick = tick.plusMillis(step);
        }
        return tick;
    }
}
