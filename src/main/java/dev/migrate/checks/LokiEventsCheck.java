package dev.migrate.checks;

import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kind loki-events: Claude Code events in Loki, counted per {@code event_name} from structured
 * metadata over the window, through query_range (an instant log query is 400 on Loki >= 3.2).
 * Streams under other related service names (claude-code-desktop) are reported, not missed.
 * Fields: {@code service} (claude-code), {@code events} (expected event names),
 * {@code relatedServices} (regex of service names to report, default claude.*).
 */
final class LokiEventsCheck extends SpecCheck {
    LokiEventsCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        LokiApi loki = ctx.loki();
        String service = spec.text("service", "claude-code");
        List<String> events = spec.list("events");
        Pattern related = Pattern.compile(spec.text("relatedServices", "claude.*"));
        String range = window(ctx);
        Instant end = now(ctx);
        Instant start = end.minus(ctx.since());

        Map<String, Long> perEvent = counts(loki, "sum by (event_name) (count_over_time({service_name=\"" + service
                + "\"} [" + range + "]))", "event_name", start, end, ctx.since());
        // Only streams whose service name matches relatedServices: counting every service in the cluster would
        // make Loki read all its chunks of the window.
        Map<String, Long> perService = counts(loki, "sum by (service_name) (count_over_time({service_name=~\""
                + related.pattern() + "\"} [" + range + "]))", "service_name", start, end, ctx.since());
        List<String> others = new ArrayList<>();
        perService.forEach((name, n) -> {
            if (!name.equals(service)) {
                others.add(name + " (" + n + " records)");
            }
        });

        long total = perEvent.values().stream().mapToLong(Long::longValue).sum();
        List<String> parts = new ArrayList<>();
        for (String e : events) {
            parts.add(e + "=" + perEvent.getOrDefault(e, 0L));
        }
        perEvent.forEach((e, n) -> {
            if (!events.contains(e) && !e.isEmpty()) {
                parts.add(e + "=" + n);
            }
        });
        String observed = "{service_name=\"" + service + "\"} in the last " + range + ": " + total + " records ("
                + String.join(", ", parts) + ")" + (others.isEmpty() ? "" : "; also under " + String.join(", ", others));
        long unnamed = perEvent.getOrDefault("", 0L);
        if (total > 0 && unnamed == total) {
            return fail(observed, "records arrive without an event_name in structured metadata (the collector sends"
                            + " through the deprecated loki exporter, or Loki does not keep structured metadata)",
                    "send logs with the otlp_http exporter to Loki's /otlp endpoint and set allow_structured_metadata: true");
        }
        if (total == 0 && !others.isEmpty()) {
            return inconclusive(observed, "no events under service_name=\"" + service + "\", but some under "
                    + String.join(", ", others), "Desktop sessions report as claude-code-desktop; run a CLI session, or point"
                    + " the check's service at the name you use");
        }
        if (total == 0) {
            return inconclusive(observed, "no Claude Code events in the last " + range + " (no session ran, the"
                            + " client's OTEL_LOGS_EXPORTER is not otlp, or a resumed session stopped logging, anthropics/claude-code #89406)",
                    "run a Claude Code session with the settings from 'migrate client-env --machine-name NAME' and verify again");
        }
        return pass(observed);
    }

    /** One number per label value: the largest point of each series (the window's count). */
    private static Map<String, Long> counts(LokiApi loki, String logql, String label, Instant start, Instant end,
                                            Duration step) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (PrometheusApi.Series s : loki.metricRange(logql, start, end, step)) {
            long max = s.points().stream().mapToLong(p -> (long) p.value()).max().orElse(0);
            out.merge(s.labels().getOrDefault(label, ""), max, Long::sum);
        }
        return out;
    }
}
