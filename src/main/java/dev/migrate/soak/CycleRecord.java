package dev.migrate.soak;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * One cycle as the journal keeps it. Written and fsynced before the cycle counts.
 *
 * @param type        always "cycle"
 * @param seq         1, 2, 3 ... across resumes
 * @param at          when the cycle started
 * @param results     the checks due this cycle
 * @param roundTripMs the synthetic round trip's delay, when it was measured and delivered
 * @param dataRate    the data-rate check's value (points/s), when measured
 * @param clockBackMs  set when the wall clock went back before this cycle: how far, in ms. The soak
 *                     waited that long (real time) for the clock to pass the last cycle again, and
 *                     observed nothing meanwhile, so it is a gap ({@link Coverage#unobserved})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CycleRecord(String type, long seq, Instant at, List<Measurement> results, Double roundTripMs,
                          Double dataRate, Long clockBackMs) {
    public static final String TYPE = "cycle";

    public CycleRecord(String type, long seq, Instant at, List<Measurement> results, Double roundTripMs, Double dataRate) {
        this(type, seq, at, results, roundTripMs, dataRate, null);
    }

    public CycleRecord {
        results = List.copyOf(results);
    }
}
