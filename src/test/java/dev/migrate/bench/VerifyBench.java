package dev.migrate.bench;

import dev.migrate.testsupport.PipelineWorld;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures for bench/verify.sh (printed, never asserted): the pipeline on loopback (real Prometheus
 * and Alertmanager, collector/Loki/Grafana doubles), then `java -jar migrate.jar verify` as a user
 * runs it, a fresh JVM each time (cold). Args: jar path, runs per figure.
 */
public final class VerifyBench {
    private VerifyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (args.length > 2 && args[2].equals("dashboard")) {
            dashboard(jar, runs);
            return;
        }
        if (args.length > 2 && args[2].equals("scale")) {
            scale(jar, runs);
            return;
        }
        Path state = Files.createTempDirectory("verify-bench");
        try (PipelineWorld world = new PipelineWorld(9)) { // 6 names x 2 services x 9 = 108 claude_code_* series: "100"
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 108", Duration.ofSeconds(30));
            List<String> base = with(verify(jar, state, world), "--test-alert");

            Process show = new ProcessBuilder(base).redirectErrorStream(true).start();
            System.out.println("one full run, as the user sees it:\n" + new String(show.getInputStream().readAllBytes()));
            show.waitFor();

            long jvm = median(runs, List.of("java", "-jar", jar.toString(), "--version"));
            System.out.printf("JVM start + picocli (migrate --version):      %6d ms%n", jvm);
            Map<String, Long> single = new LinkedHashMap<>();
            for (String check : List.of("vip-reachable", "synthetic-round-trip", "scrape-target", "metric-names", "client-data",
                    "loki-events", "loki-config", "dashboard", "alert-rules", "test-alert")) {
                single.put(check, median(runs, with(base, "--only", check)));
            }
            single.forEach((k, v) -> System.out.printf("  alone: %-22s                %6d ms%n", k, v));
            Map.Entry<String, Long> slowest = Collections.max(single.entrySet(), Map.Entry.comparingByValue());
            long full100 = median(runs, base);
            System.out.printf("full verify, ~100 claude_code_* series:       %6d ms  (median of %d cold runs)%n", full100, runs);
            System.out.printf("  ratio to the slowest check alone (%s, %d ms, JVM included): %.2f%n",
                    slowest.getKey(), slowest.getValue(), full100 / (double) slowest.getValue());
            List<String> noRoundTrip = with(base, "--skip", "synthetic-round-trip");
            long fast100 = median(runs, noRoundTrip);
            System.out.printf("full verify without the round trip (scrape-bound), ~100 series: %6d ms%n", fast100);

            // 100,000 series, sent through the real collector; they stay on its exporter page (metric_expiration
            // 2h), so every scrape is large too, as in a cluster with that many sessions.
            world.sessions(8334); // 6 x 2 x 8334 = 100,008
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 100000", Duration.ofMinutes(3));
            Thread.sleep(30_000); // let Prometheus settle (GC, head series churn) after the large scrapes
            Process json = new ProcessBuilder(with(base, "-o", "json")).start();
            var doc = dev.migrate.Json.MAPPER.readTree(json.getInputStream());
            json.waitFor();
            StringBuilder perCheck = new StringBuilder("  per check at ~100,000 series (one run, in-process ms):");
            doc.get("results").forEach(r -> perCheck.append(' ').append(r.get("name").asText()).append('=')
                    .append(r.get("elapsedMs").asLong()));
            System.out.println(perCheck);
            long full100k = median(runs, base);
            long fast100k = median(runs, noRoundTrip);
            System.out.printf("full verify, ~100,000 claude_code_* series:   %6d ms  -> ratio to 100 series: %.2f%n",
                    full100k, full100k / (double) full100);
            System.out.printf("without the round trip, ~100,000 series:      %6d ms  -> ratio to 100 series: %.2f%n",
                    fast100k, fast100k / (double) fast100);
        } finally {
            try (var walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The dashboard check against `verify --skip dashboard` at ~100 and ~100,000 claude_code_* series, and the
     * check's own variants: capped concurrency 1, 2, 4 and the evaluation range 30 s (default) against 5 s,
     * each through a migrate.yaml naming a checks-dir whose verify.yaml differs from the built-in one only in those fields.
     */
    private static void dashboard(Path jar, int runs) throws Exception {
        Path state = Files.createTempDirectory("verify-bench");
        String builtIn = Files.readString(Path.of("checks", "verify.yaml"));
        Map<String, Path> variants = new LinkedHashMap<>();
        for (String[] v : new String[][] {{"concurrency 1, range 30s", "1", "30s"}, {"concurrency 2, range 30s", "2", "30s"},
                {"concurrency 4, range 30s", "4", "30s"}, {"concurrency 1, range 5s", "1", "5s"}}) {
            Path dir = Files.createDirectories(state.resolve("checks-" + variants.size()));
            Files.writeString(dir.resolve("verify.yaml"), builtIn.replace("    uid: claude-code\n", "    uid: claude-code\n    concurrency: "
                    + v[1] + "\n").replace("queryRange: 30s", "queryRange: " + v[2]));
            Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + dir + "\n");
            variants.put(v[0], dir.resolve("migrate.yaml"));
        }
        try (PipelineWorld world = new PipelineWorld(9)) {
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 108", Duration.ofSeconds(30));
            List<String> base = verify(jar, state, world);
            Process show = new ProcessBuilder(with(base, "--only", "dashboard")).redirectErrorStream(true).start();
            System.out.println("the dashboard check, as the user sees it:\n" + new String(show.getInputStream().readAllBytes()));
            show.waitFor();
            for (String size : List.of("~100", "~100,000")) {
                if (size.equals("~100,000")) {
                    world.sessions(8334); // 6 x 2 x 8334 = 100,008, then back: the series stay in the TSDB head
                    world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 100000", Duration.ofMinutes(3));
                    world.sessions(9);
                    Thread.sleep(30_000);
                }
                long skip = median(runs, with(base, "--skip", "dashboard"));
                long full = median(runs, base);
                System.out.printf("%s series: verify --skip dashboard %6d ms; full verify %6d ms (%.2fx)%n", size, skip, full,
                        full / (double) skip);
                for (Map.Entry<String, Path> v : variants.entrySet()) {
                    long only = median(runs, with(base, "--config", v.getValue().toString(), "--only", "dashboard"));
                    long all = median(runs, with(base, "--config", v.getValue().toString()));
                    System.out.printf("  dashboard check, %-26s alone %6d ms; full verify %6d ms (%.2fx of --skip dashboard)%n",
                            v.getKey() + ":", only, all, all / (double) skip);
                }
            }
        } finally {
            try (var walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * The scale goal alone (within 1.5x): full verify as a user runs it (every check, no --test-alert) at ~100 and at ~100,000
     * claude_code_* series, median of {@code runs} cold runs each, and each check's own time inside one run
     * ({@code -o json}) at both sizes, so the check that grows shows by name. Prometheus runs the bundle's rules on
     * default settings.
     */
    private static void scale(Path jar, int runs) throws Exception {
        Path state = Files.createTempDirectory("verify-bench");
        // The rules as deployed on default settings (recording every 1m, 30s behind), not the test worlds' 5 s: at
        // 100,000 series each evaluation reads every series, and 12 times as many would load Prometheus as no cluster
        // does. Prometheus scrapes every 5 s, not the tests' 1 s.
        dev.migrate.bundle.Bundle bundle = dev.migrate.bundle.BundleRenderer.render(dev.migrate.settings.Settings.defaults());
        try (PipelineWorld world = new PipelineWorld(9, bundle, "5s")) {
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 108", Duration.ofSeconds(30));
            List<String> base = verify(jar, state, world);
            List<String> noRoundTrip = with(base, "--skip", "synthetic-round-trip");
            Map<String, Long> small = perCheck(base);
            long full100 = median(runs, base);
            long fast100 = median(runs, noRoundTrip);
            // 100,000 series on a scraped page (the world's second exporter double), in Prometheus' head as a cluster's
            // would be. Not through the real collector: niced on this busy 2-core machine it could not render its
            // 100,000-series page within a scrape (RSS 1.7-1.9 GB, data refused, even at collector-memory-limit 2Gi and a
            // 5 s scrape); its memory at that size is bench/collector-scale.sh's question.
            world.unsuffixed.on("/metrics", dev.migrate.testsupport.FakeHttpServer.Reply.text(200, dev.migrate.testsupport.ClaudeCodeExposition
                    .text(List.of("claude-code", "claude-code-desktop"), dev.migrate.testsupport.ClaudeCodeExposition.SESSION_METRICS, 8334)));
            world.prometheus.awaitQuery("count({__name__=~\"claude_code_.+\"}) >= 100000", Duration.ofMinutes(5));
            Thread.sleep(30_000); // let Prometheus settle (GC, head series churn, the recording rules' catch-up)
            Map<String, Long> large = perCheck(base);
            long full100k = median(runs, base);
            long fast100k = median(runs, noRoundTrip);
            System.out.println("per check inside one full run (in-process ms): ~100 | ~100,000 series");
            small.forEach((k, v) -> System.out.printf("  %-22s %7d %9d%n", k, v, large.getOrDefault(k, -1L)));
            System.out.printf("full verify (median of %d cold runs): ~100 series %d ms, ~100,000 series %d ms: %.2fx;"
                    + " goal within 1.5x%n", runs, full100, full100k, full100k / (double) full100);
            System.out.printf("without the scrape-bound round trip: ~100 series %d ms, ~100,000 series %d ms: %.2fx%n",
                    fast100, fast100k, fast100k / (double) fast100);
        } finally {
            try (var walk = Files.walk(state)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One verify run with {@code -o json}: each check's elapsed ms, by name. */
    private static Map<String, Long> perCheck(List<String> base) throws IOException, InterruptedException {
        Process json = new ProcessBuilder(with(base, "-o", "json")).start();
        var doc = dev.migrate.Json.MAPPER.readTree(json.getInputStream());
        json.waitFor();
        Map<String, Long> out = new LinkedHashMap<>();
        doc.get("results").forEach(r -> out.put(r.get("name").asText(), r.get("elapsedMs").asLong()));
        return out;
    }

    /** `java -jar migrate.jar verify` against the world's endpoints, a fresh JVM: as a user runs it. */
    static List<String> verify(Path jar, Path state, PipelineWorld world) {
        return List.of("java", "-jar", jar.toString(), "verify", "--state-dir", state.toString(),
                "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                "--grafana-url", world.grafana.url(), "--alertmanager-url", world.alertmanager.url(),
                "--otlp-grpc-endpoint", world.collector.grpcEndpoint(),
                "--otlp-http-endpoint", world.collector.httpEndpoint());
    }

    static List<String> with(List<String> base, String... extra) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(extra));
        return out;
    }

    /** Median wall time of {@code runs} runs of a command, in ms; its output is discarded unless it fails badly. */
    static long median(int runs, List<String> command) throws IOException, InterruptedException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            int code = p.waitFor();
            times.add(Duration.ofNanos(System.nanoTime() - t0).toMillis());
            if (code == 2 || (code == 1 && i == 0)) {
                System.out.println("  (exit " + code + " for " + String.join(" ", command.subList(3, Math.min(5, command.size())))
                        + ")\n" + out);
            }
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }
}
