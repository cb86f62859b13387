package dev.migrate.bench;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.CollectorProcess;
import dev.migrate.testsupport.OtlpPushChain;
import dev.migrate.testsupport.PrometheusProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/collector-scale.sh: the real collector's memory per active series. The collector runs the
 * config deploy renders, with the Deployment's environment; a client shaped like Claude Code sends one
 * cost point for each new session over OTLP/HTTP (delta temporality, session_id on the point), 1,000
 * sessions per export, an export every 250 ms (a team's clients, not a flood: the memory_limiter looks
 * once a second). At each checkpoint the exporter's page is read as Prometheus' scrape reads it, and
 * the collector's RSS from /proc/PID/status (VmRSS, and VmHWM, its peak), with the Go heap the
 * memory_limiter measures (otelcol_process_runtime_heap_alloc_bytes). Prints, asserts nothing.
 * <p>
 * Two runs: "unlimited" lifts the memory_limiter (limit_mib far above the machine's need) to measure
 * the cost of a series without refusals; "as rendered" runs the bundle unchanged (or with the given
 * collector-memory-limit) and reports the series count at the first refused export.
 */
public final class CollectorScaleBench {
    private static final Pattern HEAP = Pattern.compile("(?m)^otelcol_process_runtime_heap_alloc_bytes(?:\\{[^}]*})? (\\S+)");
    private static final Pattern REFUSED = Pattern.compile("(?m)^otelcol_receiver_refused_metric_points_total(?:\\{[^}]*})? (\\S+)");
    private static final int BATCH = 1000;

    private CollectorScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int max = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> runs = args.length > 1 ? List.of(args[1].split(",")) : List.of("unlimited", "rendered");
        if (runs.contains("otlp")) {
            otlp(max);
            return;
        }
        for (String run : runs) {
            String[] sets = run.equals("unlimited")
                    ? new String[] {"processors::memory_limiter::limit_mib=16384", "processors::memory_limiter::spike_limit_mib=1024"}
                    : new String[0];
            System.out.printf("%n== %s: %s%n", run, run.equals("unlimited")
                    ? "memory_limiter lifted (limit_mib 16384), the cost of a series without refusals"
                    : "the bundle as rendered (memory_limiter and environment from the Deployment)");
            measure(max, sets);
        }
    }

    /**
     * The alternative for scaling out (docs/scaling.md): the same non-chaining sequence and the same
     * series count through today's scrape and through Prometheus 3's OTLP receiver, with and without its
     * delta conversion; the totals Prometheus answers, and the RSS of the collector and of Prometheus.
     */
    static void otlp(int max) throws Exception {
        System.out.printf("%n== scrape vs Prometheus' OTLP receiver: %,d series of one cost point per session over OTLP/HTTP%n", max);
        System.out.printf("%-44s %-34s %10s %10s %10s %10s%n", "chain", "totals (want sessions 1, chained 10, skipping 6)",
                "coll. MiB", "prom. MiB", "sum MiB", "x scrape");
        double scrapeSum = 0;
        for (String variant : List.of("scrape", "otlp " + OtlpPushChain.DELTA_TO_CUMULATIVE, "otlp (no feature flag)")) {
            AutoCloseable chain;
            CollectorProcess collector;
            PrometheusProcess prometheus;
            if (variant.equals("scrape")) {
                // the ServiceMonitor's 15 s interval, both endpoints
                dev.migrate.testsupport.LokiDouble loki = new dev.migrate.testsupport.LokiDouble();
                collector = CollectorProcess.startBundle(loki.url() + "/otlp");
                prometheus = PrometheusProcess.start("global:\n  scrape_interval: 15s\n  scrape_timeout: 14s\nscrape_configs:\n"
                        + dev.migrate.testsupport.PipelineWorld.collectorJob(collector), java.util.Map.of());
                CollectorProcess c = collector;
                PrometheusProcess p = prometheus;
                chain = () -> {
                    p.close();
                    c.close();
                    loki.close();
                };
            } else {
                OtlpPushChain push = variant.contains("no feature") ? new OtlpPushChain() : new OtlpPushChain(OtlpPushChain.DELTA_TO_CUMULATIVE);
                collector = push.collector;
                prometheus = push.prometheus;
                chain = push;
            }
            try (chain; ClaudeCodeClient cli = new ClaudeCodeClient(collector.httpEndpoint(), "http/protobuf", "claude-code", "bench")) {
                cli.sessionStarted("one-shot").cost("chained", 2, "m").cost("skipping", 2, "m").export();
                cli.cost("chained", 3, "m").export();
                cli.cost("chained", 1, "m").export();
                cli.cost("chained", 4, "m").cost("skipping", 4, "m").export();
                for (int sent = 0; sent < max; sent += BATCH) {
                    for (int i = 0; i < BATCH; i++) {
                        cli.cost(String.format(Locale.ROOT, "scale-%07d", sent + i), 0.01, "claude-sonnet-4-5");
                    }
                    String failure = cli.tryExport();
                    if (failure != null) {
                        System.out.println("  refused at " + sent + ": " + failure);
                    }
                    Thread.sleep(250);
                }
                long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
                Double seen = null;
                while (System.nanoTime() < deadline) {
                    seen = prometheus.value("count(last_over_time(claude_code_cost_usage_USD_total[5m]))");
                    if (seen != null && seen >= max) {
                        break;
                    }
                    Thread.sleep(2000);
                }
                Thread.sleep(20_000); // two more scrapes / a head append settled
                // max_over_time as the panels read: a scrape that timed out on this busy machine marks
                // every series stale for an instant, which a plain instant query would read as none
                String totals = String.format(Locale.ROOT, "%s %s %s (%,.0f series)",
                        value(prometheus, "sum(max_over_time(claude_code_session_count_total{session_id=\"one-shot\"}[5m]))"),
                        value(prometheus, "sum(max_over_time(claude_code_cost_usage_USD_total{session_id=\"chained\"}[5m]))"),
                        value(prometheus, "sum(max_over_time(claude_code_cost_usage_USD_total{session_id=\"skipping\"}[5m]))"),
                        seen == null ? 0 : seen);
                double c = rssMib(collector.pid());
                double p = rssMib(prometheus.pid());
                if (variant.equals("scrape")) {
                    scrapeSum = c + p;
                }
                System.out.printf(Locale.ROOT, "%-44s %-34s %10.0f %10.0f %10.0f %9.2fx%n", variant, totals, c, p, c + p, (c + p) / scrapeSum);
            }
        }
    }

    private static String value(PrometheusProcess p, String q) {
        Double v = p.value(q);
        return v == null ? "none" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static double rssMib(long pid) throws IOException {
        return kib(Files.readString(Path.of("/proc/" + pid + "/status")), "VmRSS") / 1024.0;
    }

    record Row(int sent, int onPage, long rssKib, long hwmKib, double heapMib, double refused) {
    }

    static void measure(int max, String... sets) throws Exception {
        try (CollectorProcess c = CollectorProcess.startBundle("http://127.0.0.1:9/otlp", sets);
             ClaudeCodeClient client = new ClaudeCodeClient(c.httpEndpoint(), "http/protobuf", "claude-code", "bench")) {
            Thread.sleep(3000); // settle after start-up
            Row empty = row(c, 0);
            List<Integer> checkpoints = new ArrayList<>(List.of(1_000, 5_000, 10_000, 20_000, 30_000, 40_000, 50_000,
                    60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000, 150_000, 175_000, 200_000, 225_000, 250_000, 300_000));
            checkpoints.removeIf(n -> n > max);
            if (!checkpoints.contains(max)) {
                checkpoints.add(max);
            }
            System.out.printf("%9s %9s %9s %9s %9s %10s %12s %s%n", "sent", "on page", "RSS MiB", "peak MiB", "heap MiB",
                    "refused", "x baseline", "MiB per 1k series (vs baseline)");
            print(empty, null);
            Row baseline = null;
            Integer firstRefusal = null;
            int sent = 0;
            for (int checkpoint : checkpoints) {
                while (sent < checkpoint) {
                    int n = Math.min(BATCH, checkpoint - sent);
                    for (int i = 0; i < n; i++) {
                        String id = String.format(Locale.ROOT, "scale-%07d", sent + i);
                        client.cost(id, 0.01 + (sent + i) % 97 / 100.0, "claude-sonnet-4-5");
                    }
                    sent += n;
                    String failure = client.tryExport();
                    if (failure != null && firstRefusal == null) {
                        firstRefusal = sent - n;
                        System.out.printf("  first refused export after %,d series: %s%n", firstRefusal,
                                failure.length() > 160 ? failure.substring(0, 160) + "..." : failure);
                    }
                    Thread.sleep(250);
                }
                Thread.sleep(7000); // past the batch processor's 5 s timeout and a few limiter checks
                Row r = row(c, sent);
                if (baseline == null) {
                    baseline = r;
                }
                print(r, baseline);
            }
            System.out.printf("  %s%n", firstRefusal == null ? "no export refused up to " + String.format("%,d", sent) + " series"
                    : "data refused from " + String.format("%,d", firstRefusal) + " series on");
            if (firstRefusal != null) {
                for (String line : c.telemetryPage().split("\n")) {
                    if (!line.startsWith("#") && (line.contains("refused") || line.contains("memory_limiter"))) {
                        System.out.println("  telemetry: " + line);
                    }
                }
            }
        }
    }

    static Row row(CollectorProcess c, int sent) throws IOException {
        String page = c.exporterPage(); // what Prometheus' scrape reads (the exporter renders every cached series)
        int onPage = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith("claude_code_cost_usage_USD_total{")) {
                onPage++;
            }
        }
        String status = Files.readString(Path.of("/proc/" + c.pid() + "/status"));
        String telemetry = c.telemetryPage();
        return new Row(sent, onPage, kib(status, "VmRSS"), kib(status, "VmHWM"), sum(HEAP, telemetry) / (1 << 20),
                sum(REFUSED, telemetry));
    }

    static void print(Row r, Row baseline) {
        String ratio = baseline == null ? "" : String.format(Locale.ROOT, "%.2fx", (double) r.rssKib / baseline.rssKib);
        String perK = baseline == null || r.sent == baseline.sent ? ""
                : String.format(Locale.ROOT, "%.2f RSS, %.2f heap", (r.rssKib - baseline.rssKib) / 1024.0 * 1000 / (r.sent - baseline.sent),
                (r.heapMib - baseline.heapMib) * 1000 / (r.sent - baseline.sent));
        System.out.printf(Locale.ROOT, "%,9d %,9d %9.0f %9.0f %9.0f %,10.0f %12s %s%n", r.sent, r.onPage, r.rssKib / 1024.0,
                r.hwmKib / 1024.0, r.heapMib, r.refused, ratio, perK);
    }

    private static long kib(String status, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static double sum(Pattern p, String page) {
        Matcher m = p.matcher(page);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
