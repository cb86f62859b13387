package dev.migrate.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Time actually observed. Each cycle vouches for the time until the next one, but for at most
 * 1.5 intervals (a late wake-up or a slow query is not a gap); beyond that, everything after one
 * interval is a gap: the process was asleep, killed or the machine rebooted. Nothing after the
 * deadline counts.
 */
public final class Coverage {
    private final Instant started;
    private final Instant deadline;
    private final Duration interval;
    private final Duration slack;
    private final List<Gap> gaps = new ArrayList<>();
    private Instant last;
    private Duration covered = Duration.ZERO;
    private Duration gapTotal = Duration.ZERO;

    /** One stretch of unobserved time. */
    public record Gap(Instant from, Instant to) {
        public Duration length() {
            return Duration.between(from, to);
        }
    }

    public Coverage(Instant started, Duration duration, Duration interval) {
        this.started = started;
        this.deadline = started.plus(duration);
        this.interval = interval;
        this.slack = interval.plus(interval.dividedBy(2));
        this.last = started;
    }

    /**
     * Time that passed unobserved without showing in the cycles' timestamps: the wall clock went
     * back, and the soak waited (really) for it to pass the last cycle again. Counted as a gap
     * ending at {@code at}.
     */
    public void unobserved(Instant at, Duration length) {
        if (length.isNegative() || length.isZero()) {
            return;
        }
        Instant t = at.isAfter(deadline) ? deadline : at;
        gapTotal = gapTotal.plus(length);
        covered = covered.minus(length).isNegative() ? Duration.ZERO : covered.minus(length);
        gaps.add(new Gap(t.minus(length), t));
    }

    /** A cycle ran at {@code at}. */
    public void cycle(Instant at) {
        advanceTo(at);
    }

    /**
     * The time from the last cycle up to {@code now}, as if a cycle ran now: for the verdict at the
     * end, and to show a gap that is happening (a resume after a long sleep).
     */
    public Coverage closedAt(Instant now) {
        Coverage copy = new Coverage(started, Duration.between(started, deadline), interval);
        copy.last = last;
        copy.covered = covered;
        copy.gapTotal = gapTotal;
        copy.gaps.addAll(gaps);
        copy.advanceTo(now);
        return copy;
    }

    private void advanceTo(Instant at) {
        Instant t = at.isAfter(deadline) ? deadline : at;
        if (!t.isAfter(last)) {
            return;
        }
        Duration delta = Duration.between(last, t);
        if (delta.compareTo(slack) <= 0) {
            covered = covered.plus(delta);
        } else {
            Gap gap = new Gap(last.plus(interval), t);
            covered = covered.plus(interval);
            gapTotal = gapTotal.plus(gap.length());
            gaps.add(gap);
        }
        last = t;
    }

    public Duration covered() {
        return covered;
    }

    public Duration gapTotal() {
        return gapTotal;
    }

    public List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    public Instant deadline() {
        return deadline;
    }

    public Instant started() {
        return started;
    }
}
