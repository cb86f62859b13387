package dev.migrate.soak;

import dev.migrate.io.Printable;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * What the operator sees while the soak runs: in a terminal one line redrawn in place (elapsed,
 * remaining, cycles passed/failed, last failure); elsewhere (CI, nohup, a pod log) a plain line every
 * {@code every} of soak time, so logs stay readable.
 */
public interface Progress {
    void cycle(SoakState state, Instant now);

    /** The soak is about to wait longer than a cycle for a reason the operator should see (the clock went back). */
    default void waiting(String why) {
    }

    /** Ends the redrawn line, if any, before other output. */
    default void done() {
    }

    static Progress none() {
        return (state, now) -> {
        };
    }

    /** Picks the bar in a terminal ({@code System.console() != null}), plain lines otherwise. */
    static Progress forConsole(PrintWriter out, Duration plainEvery) {
        return System.console() != null ? new Bar(out, 100) : new Lines(out, plainEvery);
    }

    static String line(SoakState s, Instant now) {
        JournalHeader h = s.header();
        Duration elapsed = Duration.between(h.started(), now);
        Duration remaining = Duration.between(now, h.deadline());
        if (remaining.isNegative()) {
            remaining = Duration.ZERO;
        }
        return "soak " + human(elapsed) + " elapsed, " + human(remaining) + " left | cycles " + s.cyclesPassed() + " ok, "
                + s.cyclesFailed() + " with failures";
    }

    /**
     * An instant to the second, in UTC ("2026-11-27T00:01:00Z"): the clock's nanoseconds are noise in
     * a line a person reads.
     */
    static String time(Instant t) {
        return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** "24h", "23h57m", "10m", "10m05s", "45s": exact, and short enough for one line. */
    static String human(Duration d) {
        long s = d.getSeconds();
        if (s >= 3600) {
            return s % 3600 == 0 ? s / 3600 + "h" : String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return s % 60 == 0 ? s / 60 + "m" : String.format("%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }

    /** A single line redrawn with \r. */
    final class Bar implements Progress {
        private final PrintWriter out;
        private final int width;

        public Bar(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public void cycle(SoakState s, Instant now) {
            JournalHeader h = s.header();
            double done = Math.min(1.0, (double) Duration.between(h.started(), now).getSeconds() / Math.max(1, h.durationSeconds()));
            int filled = (int) Math.round(done * 20);
            String text = "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "] " + line(s, now)
                    + (s.lastFailure().isEmpty() ? "" : " | last: " + s.lastFailure());
            if (text.length() > width) {
                text = text.substring(0, width - 1) + "~";
            }
            text = Printable.escape(text); // the last failure is a server's error text
            out.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
            out.flush();
        }

        @Override
        public void done() {
            out.println();
        }

        @Override
        public void waiting(String why) {
            out.println();
            out.println(Printable.escape(why));
        }
    }

    /** Plain lines, at most one per {@code every} of soak time, plus one for every cycle with a failure. */
    final class Lines implements Progress {
        private final PrintWriter out;
        private final Duration every;
        private Instant lastPrinted;
        private long lastFailed;

        public Lines(PrintWriter out, Duration every) {
            this.out = out;
            this.every = every;
        }

        @Override
        public void waiting(String why) {
            out.println(Printable.escape(why));
        }

        @Override
        public void cycle(SoakState s, Instant now) {
            boolean newFailure = s.cyclesFailed() > lastFailed;
            lastFailed = s.cyclesFailed();
            if (newFailure || lastPrinted == null || !now.isBefore(lastPrinted.plus(every))) {
                lastPrinted = now;
                out.println(Printable.escape(time(now) + " " + line(s, now) + (newFailure ? " | failure: " + s.lastFailure() : "")));
            }
        }
    }
}
