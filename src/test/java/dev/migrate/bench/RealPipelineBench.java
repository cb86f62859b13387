package dev.migrate.bench;

import dev.migrate.endpoints.OtlpProbe;
import dev.migrate.testsupport.PipelineWorld;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * bench/real-pipeline.sh: figures on the real chain (real collector → real Prometheus 3 at a 1 s
 * scrape interval, Loki double). Prints, asserts nothing.
 */
public final class RealPipelineBench {
    private RealPipelineBench() {
    }

    /** One synthetic probe: sent over gRPC to the collector, then waited for in Prometheus; milliseconds. */
    static long probeRoundTripMs(String grpcEndpoint, dev.migrate.testsupport.PrometheusProcess prometheus) {
        String id = UUID.randomUUID().toString();
        long t0 = System.nanoTime();
        OtlpProbe.send(new OtlpProbe.Target(grpcEndpoint, "grpc"), id, Duration.ofSeconds(5));
        prometheus.awaitQuery(OtlpProbe.PROMETHEUS_NAME + "{probe_id=\"" + id + "\"}", Duration.ofSeconds(60));
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path state = Files.createTempDirectory("real-pipeline-bench");
        try (PipelineWorld world = new PipelineWorld(2)) {
            List<Long> trips = new ArrayList<>();
            for (int i = 0; i < probes; i++) {
                trips.add(probeRoundTripMs(world.collector.grpcEndpoint(), world.prometheus));
            }
            Collections.sort(trips);
            long median = trips.get(trips.size() / 2);
            long p95 = trips.get((int) Math.ceil(trips.size() * 0.95) - 1);
            System.out.printf("round trip send -> visible in Prometheus 3 (1 s scrape), %d probes: median %d ms, p95 %d ms,"
                    + " min %d, max %d%n", probes, median, p95, trips.get(0), trips.get(trips.size() - 1));
            // A quiet pipeline's point waits for the batch processor's timeout (5 s in the bundle), not for a full batch.
            System.out.printf("  ratio of the median to the bundle's batch timeout (5 s): %.2f%n", median / 5000.0);

            List<String> base = List.of("java", "-jar", jar.toString(), "verify", "--state-dir", state.toString(),
                    "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                    "--grafana-url", world.grafana.url(), "--alertmanager-url", world.alertmanager.url(),
                    "--otlp-grpc-endpoint", world.collector.grpcEndpoint(),
                    "--otlp-http-endpoint", world.collector.httpEndpoint(), "--test-alert");
            Map<String, Long> single = new LinkedHashMap<>();
            for (String check : List.of("vip-reachable", "synthetic-round-trip", "scrape-target", "metric-names", "client-data",
                    "loki-events", "loki-config", "dashboard", "alert-rules", "test-alert")) {
                single.put(check, VerifyBench.median(runs, VerifyBench.with(base, "--only", check)));
            }
            Map.Entry<String, Long> slowest = Collections.max(single.entrySet(), Map.Entry.comparingByValue());
            long full = VerifyBench.median(runs, base);
            System.out.printf("cold verify (fresh JVM) against the real chain: %d ms (median of %d)%n", full, runs);
            System.out.printf("  slowest check alone: %s %d ms; ratio %.2f (goal 1.5 or less)%n",
                    slowest.getKey(), slowest.getValue(), full / (double) slowest.getValue());
        } finally {
            try (var walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
