package dev.migrate.endpoints;

import java.time.Instant;

/** The time formats the Prometheus and Loki APIs read and write. */
final class Timestamps {
    private Timestamps() {
    }

    /** Unix seconds with millisecond decimals, as Prometheus reads them. */
    static String seconds(Instant t) {
        return t.getEpochSecond() + "." + String.format("%03d", t.getNano() / 1_000_000);
    }

    /** Unix nanoseconds, as Loki reads and writes them. */
    static String nanos(Instant t) {
        return Long.toString(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    /** Prometheus' float seconds ("1700000000.123") to an Instant. */
    static Instant fromSeconds(double seconds) {
        long whole = (long) Math.floor(seconds);
        long nanos = Math.round((seconds - whole) * 1_000) * 1_000_000L;
        return Instant.ofEpochSecond(whole, nanos);
    }

    /** Loki's nanosecond text to an Instant. */
    static Instant fromNanos(String nanos) {
        long n = Long.parseLong(nanos);
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }

    /** Prometheus sample values are strings: "1.5", "NaN", "+Inf", "-Inf". */
    static double value(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
