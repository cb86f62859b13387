package dev.migrate.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The journal's first line: what this soak is proving. A resumed run must match it exactly.
 *
 * @param type             always "header"
 * @param version          journal format version
 * @param settingsDigest   {@code Settings.digest()} (includes duration, interval and max gap)
 * @param catalogueDigest  digest of soak.yaml's text
 * @param catalogue        where soak.yaml came from
 * @param started          when the soak began; cycles are planned at started + k * interval
 * @param durationSeconds  how long it must observe
 * @param intervalSeconds  time between cycles
 * @param maxGapSeconds    total unobserved time tolerated
 * @param checks           the check names, in order
 */
public record JournalHeader(String type, int version, String settingsDigest, String catalogueDigest, String catalogue,
                            Instant started, long durationSeconds, long intervalSeconds, long maxGapSeconds,
                            List<String> checks) {
    public static final String TYPE = "header";
    public static final int VERSION = 1;

    public JournalHeader {
        checks = List.copyOf(checks);
    }

    public static JournalHeader of(String settingsDigest, AnalysisCatalogue catalogue, Instant started,
                                   Duration duration, Duration interval, Duration maxGap) {
        return new JournalHeader(TYPE, VERSION, settingsDigest, catalogue.digest(), catalogue.origin(), started,
                duration.getSeconds(), interval.getSeconds(), maxGap.getSeconds(),
                catalogue.checks().stream().map(AnalysisCheck::name).toList());
    }

    public Duration duration() {
        return Duration.ofSeconds(durationSeconds);
    }

    public Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    public Duration maxGap() {
        return Duration.ofSeconds(maxGapSeconds);
    }

    public Instant deadline() {
        return started.plus(duration());
    }
}
