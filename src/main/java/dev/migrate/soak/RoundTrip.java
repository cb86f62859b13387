package dev.migrate.soak;

import java.time.Duration;

/**
 * The synthetic round trip the soak repeats each cycle: send a uniquely marked data point through
 * the collector and wait until it can be read back. The real one is verify's OTLP probe; tests use
 * fakes.
 */
public interface RoundTrip {
    /** Sends one probe and waits for it; throws only when the probe could not even be sent. */
    Result send();

    /**
     * @param delivered whether the probe was read back in time
     * @param delay     send-to-visible time (the timeout when not delivered)
     * @param detail    one line for reports: where it was found, or where it got lost
     */
    record Result(boolean delivered, Duration delay, String detail) {
    }
}
