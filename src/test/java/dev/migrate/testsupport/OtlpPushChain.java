package dev.migrate.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alternative to the bundle's scrape for scaling out (docs/scaling.md): the real collector with the
 * bundle's config, made stateless (its metrics pipeline without deltatocumulative, exporting with
 * otlp_http instead of the prometheus exporter), pushing into the real Prometheus 3's own OTLP receiver
 * (--web.enable-otlp-receiver), which keeps the delta state itself with the given feature flags
 * (e.g. otlp-deltatocumulative). Only --set overrides: the bundle's receivers, memory_limiter,
 * transform/identity and batch are unchanged.
 */
public final class OtlpPushChain implements AutoCloseable {
    /** Prometheus 3.10's flag that converts OTLP delta sums to cumulative on ingestion. */
    public static final String DELTA_TO_CUMULATIVE = "otlp-deltatocumulative";

    public final LokiDouble loki;
    public final PrometheusProcess prometheus;
    public final CollectorProcess collector;

    /** @param features Prometheus --enable-feature values; none: delta sums arrive as Prometheus 3 takes them by default */
    public OtlpPushChain(String... features) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            loki = add(started, new LokiDouble());
            List<String> args = new ArrayList<>(List.of("--web.enable-otlp-receiver"));
            if (features.length > 0) {
                args.add("--enable-feature=" + String.join(",", features));
            }
            // No scrape job: everything arrives by push.
            prometheus = add(started, PrometheusProcess.start("global:\n  evaluation_interval: 1s\n", Map.of(),
                    args.toArray(String[]::new)));
            collector = add(started, CollectorProcess.startBundle(loki.url() + "/otlp",
                    "exporters::otlp_http/prometheus::endpoint=" + prometheus.url() + "/api/v1/otlp",
                    "service::pipelines::metrics::processors=[memory_limiter, transform/identity, batch]",
                    "service::pipelines::metrics::exporters=[otlp_http/prometheus]"));
        } catch (RuntimeException | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T t) {
        started.add(t);
        return t;
    }

    /** Waits for a query's single value, then returns it (null if it never appears). */
    public Double awaitValue(String promql, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Double v = null;
        while (System.nanoTime() < deadline && (v = prometheus.value(promql)) == null) {
            ManagedProcess.sleep(200);
        }
        return v;
    }

    @Override
    public void close() {
        collector.close();
        prometheus.close();
        loki.close();
    }
}
