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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CycleRecord(String type, long seq, Instant at, List<Measurement> results, Double roundTripMs,
                          Double dataRate) {
    public static final String TYPE = "cycle";

    public CycleRecord {
        results = List.copyOf(results);
    }
}
