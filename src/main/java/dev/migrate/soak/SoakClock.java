package dev.migrate.soak;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the soak sees it: what time it is, and waiting. Real runs use {@link #system()}; tests and
 * the benchmark use a simulated clock (in the tests), so 24 hours of cycles run in seconds.
 */
public interface SoakClock {
    Instant now();

    /** Blocks until {@code when} (returns at once if it has passed). Interruptible, for a clean SIGINT. */
    void sleepUntil(Instant when) throws InterruptedException;

    static SoakClock system() {
        return new SoakClock() {
            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public void sleepUntil(Instant when) throws InterruptedException {
                // Re-check the wall clock after each nap: after a laptop sleep, Thread.sleep may
                // wake late, and the soak must notice the real time, not the planned one.
                while (true) {
                    long ms = Duration.between(Instant.now(), when).toMillis();
                    if (ms <= 0) {
                        return;
                    }
                    Thread.sleep(Math.min(ms, 1000));
                }
            }
        };
    }
}
