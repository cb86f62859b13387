package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.ClusterException;
import dev.migrate.io.ProgressSink;
import dev.migrate.settings.Values;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Polls until a condition is met, fails, or the deadline passes, printing progress on the terminal
 * when the state changes (and every 15 s otherwise) so a long wait never looks like a hang.
 */
final class Poller {
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** One look: done (pass or fail result) or still waiting with a message. */
    record Look(CheckResult verdict, String waiting) {
        static Look done(CheckResult result) {
            return new Look(result, null);
        }

        static Look waiting(String message) {
            return new Look(null, message);
        }
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final ProgressSink progress;

    Poller(Clock clock, Sleeper sleeper, ProgressSink progress) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
    }

    private static String seconds(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s == 0 ? "0s" : Values.format(Duration.ofSeconds(s));
    }

    /**
     * One look; an API server that is restarting or shedding load (after the cluster edge has already
     * asked again for read-timeout) is one more reason to keep waiting until the deadline: every look
     * is a read, safe to repeat.
     */
    private static Look lookOnce(Supplier<Look> look) {
        try {
            return look.get();
        } catch (ClusterException e) {
            if (!e.unavailable()) {
                throw e;
            }
            return Look.waiting("the API server is unavailable, asking again: " + e.getMessage());
        }
    }

    /**
     * @param onTimeout builds the failure from the last waiting message
     */
    CheckResult poll(String what, Instant deadline, Supplier<Look> look, java.util.function.Function<String, CheckResult> onTimeout) {
        Instant start = clock.instant();
        String last = null;
        Instant lastPrinted = start;
        while (true) {
            Look l = lookOnce(look);
            Instant now = clock.instant();
            if (l.verdict() != null) {
                return l.verdict().withElapsed(Duration.between(start, now));
            }
            if (!l.waiting().equals(last) || Duration.between(lastPrinted, now).compareTo(HEARTBEAT) >= 0) {
                progress.waiting("  waiting for " + what + ": " + l.waiting() + " (" + seconds(Duration.between(start, now))
                        + " elapsed, " + seconds(Duration.between(now, deadline)) + " left)");
                last = l.waiting();
                lastPrinted = now;
            }
            if (!now.isBefore(deadline)) {
                return onTimeout.apply(l.waiting()).withElapsed(Duration.between(start, now));
            }
            try {
                Duration nap = Duration.between(now, deadline);
                sleeper.sleep(nap.compareTo(INTERVAL) < 0 ? nap : INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError(ExitCodes.INTERRUPTED, "interrupted while waiting for " + what
                        + "; the objects are applied, re-run deploy to wait again");
            }
        }
    }
}
