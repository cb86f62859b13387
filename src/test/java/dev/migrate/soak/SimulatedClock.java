package dev.migrate.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A clock that jumps instead of waiting. A hook may stretch a wait, to simulate a laptop that
 * slept through it: {@code clock.onSleep(to -> to.plus(Duration.ofHours(6)))}.
 */
public final class SimulatedClock implements SoakClock {
    private Instant now;
    private UnaryOperator<Instant> wake = UnaryOperator.identity();

    public SimulatedClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized void sleepUntil(Instant when) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (when.isAfter(now)) {
            now = wake.apply(when);
        }
    }

    public synchronized void advance(Duration by) {
        now = now.plus(by);
    }

    /** Maps every planned wake-up time to the actual one (identity by default). */
    public synchronized void onSleep(UnaryOperator<Instant> actualWake) {
        this.wake = actualWake;
    }
}
