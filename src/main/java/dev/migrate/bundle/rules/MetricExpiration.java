package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The prometheus exporter keeps a series long enough for one-shot counters (at least 1h; default is 5m). */
public final class MetricExpiration extends CollectorRule {
    public static final String NAME = "collector.metric-expiration";
    static final Duration MINIMUM = Duration.ofHours(1);
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

    public MetricExpiration() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : Parsed.ofType(config, "exporters", "prometheus")) {
            String text = e.getValue().path("metric_expiration").asText("");
            Duration d = text.isEmpty() ? Duration.ofMinutes(5) : goDuration(text);
            String shown = e.getKey() + ".metric_expiration " + (text.isEmpty() ? "unset (5m)" : text);
            if (d == null || d.compareTo(MINIMUM) < 0) {
                problems.add(shown);
            } else {
                seen.add(shown);
            }
        }
        return Verdict.of(NAME, problems, seen.isEmpty() ? "no prometheus exporter" : String.join(", ", seen),
                "a one-shot counter (session, commit, pull request) is updated once; its series disappears that long "
                        + "after, before most dashboard ranges can see it",
                "set metric_expiration: 2h on the prometheus exporter");
    }

    /** A Go duration such as 2h, 90m, 1h30m; null if it is not one. */
    static Duration goDuration(String text) {
        Matcher m = GO_DURATION_PART.matcher(text.trim());
        double millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            millis += n * switch (m.group(2)) {
                case "h" -> 3_600_000d;
                case "m" -> 60_000d;
                case "s" -> 1_000d;
                default -> 1d;
            };
            end = m.end();
        }
        return end == text.trim().length() && end > 0 ? Duration.ofMillis((long) millis) : null;
    }
}
