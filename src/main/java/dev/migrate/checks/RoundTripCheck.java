package dev.migrate.checks;

import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.OtlpProbe;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * kind otlp-round-trip: sends one OTLP metric and one OTLP log record (service.name migrate-probe,
 * a fresh probe_id) to the collector, then polls Prometheus and Loki until both show that probe id,
 * and reports the end-to-end delay of each. Needs no Claude Code session. Fields: {@code poll} (1s).
 */
final class RoundTripCheck extends SpecCheck {
    RoundTripCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) throws InterruptedException {
        Duration poll = spec.duration("poll", Duration.ofSeconds(1));
        CheckContext.Otlp otlp = ctx.otlp();
        String probeId = UUID.randomUUID().toString();
        long start = System.nanoTime();
        Duration sendTimeout = Duration.ofMillis(Math.min(5000, timeout().toMillis() / 2));
        OtlpProbe.Sent sent = OtlpProbe.send(new OtlpProbe.Target(otlp.probeEndpoint(), otlp.protocol()), probeId, sendTimeout);
        String head = "probe " + probeId + " accepted by the collector over " + otlp.protocol() + " in "
                + sent.took().toMillis() + " ms";

        Optional<PrometheusApi> prom = ctx.prometheusApi();
        Optional<LokiApi> loki = ctx.lokiApi();
        if (prom.isEmpty() && loki.isEmpty()) {
            return inconclusive(head, "no --prometheus-url or --loki-url, so the probe could not be seen arriving",
                    "give --prometheus-url and --loki-url to prove the whole path");
        }
        String promQuery = OtlpProbe.PROMETHEUS_NAME + "{" + OtlpProbe.PROBE_ID + "=\"" + probeId + "\"}";
        String lokiQuery = "{service_name=\"" + OtlpProbe.SERVICE_NAME + "\"} | " + OtlpProbe.PROBE_ID + "=\"" + probeId + "\"";
        Duration promDelay = null;
        Duration lokiDelay = null;
        Instant from = sent.at().minusSeconds(60);
        long giveUp = start + timeout().toNanos() - poll.toNanos() - 200_000_000L; // answer before the runner's deadline
        while (true) {
            Instant now = Instant.now();
            if (prom.isPresent() && promDelay == null && !prom.get().query(promQuery, now).isEmpty()) {
                promDelay = Duration.ofNanos(System.nanoTime() - start);
            }
            if (loki.isPresent() && lokiDelay == null && loki.get().queryRange(lokiQuery, from, now.plusSeconds(1), 1)
                    .stream().anyMatch(s -> !s.entries().isEmpty())) {
                lokiDelay = Duration.ofNanos(System.nanoTime() - start);
            }
            boolean promDone = prom.isEmpty() || promDelay != null;
            boolean lokiDone = loki.isEmpty() || lokiDelay != null;
            if (promDone && lokiDone) {
                break;
            }
            if (System.nanoTime() + poll.toNanos() > giveUp) {
                List<String> missing = new ArrayList<>();
                if (!promDone) {
                    missing.add("Prometheus (" + promQuery + ")");
                }
                if (!lokiDone) {
                    missing.add("Loki (" + lokiQuery + ")");
                }
                return fail(head + "; " + delays(promDelay, lokiDelay) + "; not seen within "
                                + dev.migrate.settings.Values.format(timeout()) + " in " + String.join(" and ", missing),
                        !promDone ? "the collector does not pass metrics on to Prometheus (prometheus exporter not in the"
                                + " metrics pipeline, ServiceMonitor not scraped, or add_metric_suffixes changed the name)"
                                : "the collector does not pass logs on to Loki (otlp_http exporter to Loki's /otlp missing from"
                                + " the logs pipeline, Loki rejecting writes, or a tenant mismatch)",
                        "run 'migrate verify --only scrape-target,loki-config' and read the collector's log");
            }
            Thread.sleep(poll.toMillis());
        }
        String observed = head + "; " + delays(promDelay, lokiDelay)
                + (prom.isEmpty() ? "; Prometheus not checked (no --prometheus-url)" : "")
                + (loki.isEmpty() ? "; Loki not checked (no --loki-url)" : "");
        if (prom.isEmpty() || loki.isEmpty()) {
            return inconclusive(observed, "only part of the path was observed", "give both --prometheus-url and --loki-url");
        }
        return pass(observed);
    }

    private static String delays(Duration prom, Duration loki) {
        return "end-to-end: Prometheus " + (prom == null ? "-" : prom.toMillis() + " ms") + ", Loki "
                + (loki == null ? "-" : loki.toMillis() + " ms");
    }
}
