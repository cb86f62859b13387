package dev.migrate.bench;

import dev.migrate.Json;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.checks.DashboardQueries;
import dev.migrate.endpoints.Auth;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.endpoints.PrometheusHttp;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.PipelineWorld;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For bench/verify.sh dashboard: which of the dashboard's PromQL expressions cost what at ~100,000 claude_code_*
 * series, one after the other on an otherwise quiet Prometheus (median of 3 per expression, printed, never
 * asserted), so the cheapening can aim at the expensive ones.
 */
public final class DashboardQueryProfile {
    private DashboardQueryProfile() {
    }

    public static void main(String[] args) throws Exception {
        var model = Json.MAPPER.readTree(BundleRenderer.render(Settings.defaults()).dashboardJson());
        List<DashboardQueries.Query> queries = DashboardQueries.prometheusQueries(model, "loki", Duration.ofSeconds(30));
        Map<String, String> distinct = new LinkedHashMap<>();
        queries.forEach(q -> distinct.putIfAbsent(q.expr(), q.panel() + " " + q.refId()));
        try (PipelineWorld world = new PipelineWorld(8334)) {
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 100000", Duration.ofMinutes(3));
            world.sessions(9);
            Thread.sleep(30_000);
            PrometheusHttp prom = new PrometheusHttp(HttpEndpoint.of("Prometheus", "--prometheus-url", world.prometheus.url(),
                    Auth.none(), Map.of(), Duration.ofSeconds(60)));
            // What one selector costs with and without the "All" matchers Grafana sends (=~".*").
            String all = "user=~\".*\", model=~\".*\", machine_name=~\".*\", terminal_type=~\".*\"";
            for (String e : List.of("sum(max_over_time(claude_code_cost_usage_USD_total[30s]))",
                    "sum(max_over_time(claude_code_cost_usage_USD_total{" + all + "}[30s]))",
                    "sum(claude_code_cost_usage_USD_total offset 30s)",
                    "sum(claude_code_cost_usage_USD_total{" + all + "} offset 30s)",
                    "count(claude_code_cost_usage_USD_total)")) {
                List<Long> t = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    long t0 = System.nanoTime();
                    prom.query(e, Instant.now());
                    t.add((System.nanoTime() - t0) / 1_000_000);
                }
                t.sort(null);
                System.out.printf("  %6d ms  %s%n", t.get(1), e);
            }
            if (args.length > 0 && args[0].equals("selectors")) {
                return;
            }
            // The whole set of distinct expressions, 1, 2 and 4 in flight (each twice, the better one printed).
            for (int threads : new int[] {1, 2, 4, 1}) {
                long best = Long.MAX_VALUE;
                for (int r = 0; r < 2; r++) {
                    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
                    long t0 = System.nanoTime();
                    List<java.util.concurrent.Future<?>> f = new ArrayList<>();
                    for (String expr : distinct.keySet()) {
                        f.add(pool.submit(() -> prom.query(expr, Instant.now())));
                    }
                    for (java.util.concurrent.Future<?> x : f) {
                        x.get();
                    }
                    best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
                    pool.shutdown();
                }
                System.out.printf("  all %d distinct expressions, %d in flight: %6d ms%n", distinct.size(), threads, best);
            }
            if (args.length > 0 && args[0].equals("concurrency")) {
                return;
            }
            List<long[]> rows = new ArrayList<>();
            List<String> names = new ArrayList<>(distinct.values());
            long total = 0;
            int i = 0;
            for (String expr : distinct.keySet()) {
                List<Long> t = new ArrayList<>();
                for (int r = 0; r < 3; r++) {
                    long t0 = System.nanoTime();
                    prom.query(expr, Instant.now());
                    t.add((System.nanoTime() - t0) / 1_000_000);
                }
                t.sort(null);
                rows.add(new long[] {t.get(1), i++});
                total += t.get(1);
            }
            rows.sort((a, b) -> Long.compare(b[0], a[0]));
            System.out.printf("%d distinct PromQL expressions (%d targets), %d ms in sequence (medians)%n", distinct.size(),
                    queries.size(), total);
            for (long[] r : rows.subList(0, Math.min(15, rows.size()))) {
                System.out.printf("  %6d ms  %s%n", r[0], names.get((int) r[1]));
            }
        }
    }
}
