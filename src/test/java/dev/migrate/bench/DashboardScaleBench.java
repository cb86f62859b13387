package dev.migrate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.checks.DashboardQueries;
import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.PrometheusProcess;
import dev.migrate.testsupport.RawPanels;
import dev.migrate.testsupport.RealComponents;
import dev.migrate.testsupport.Rendered;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * For bench/dashboard-scale.sh: every Prometheus panel of the dashboard over 30 days at ~100,000 client series
 * against the same panel at ~100, in one run, on a real Prometheus 3 (printed, never asserted). The series are
 * backfilled into the TSDB with promtool tsdb create-blocks-from openmetrics (sending 100,000 series through the
 * collector is what the collector's own benchmark measures, and takes its memory): 30 days of sessions, each
 * session 5 series (cost, session count, input and output tokens, active time) scraped every 5 minutes for the
 * 10 minutes it works and the 2 hours the exporter keeps it, and the increments the recording rules write for
 * them (1m). Also: the raw expressions (each session's own series, what every panel read before the recording
 * rules) at ~100,000, and the dashboard check's queries as verify runs them (queryRange 1h) at both sizes.
 */
public final class DashboardScaleBench {
    static final long STEP = 300;           // seconds between samples of a client series in the backfill
    static final long ACTIVE = 600;         // a session's work: its counters grow for 10 minutes
    static final long KEPT = 7200;          // then metric_expiration keeps the series 2 h
    static final long DAYS30 = 30L * 86400;

    private DashboardScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long end = Instant.now().getEpochSecond() / 60 * 60 - 1200; // the backfill ends 20 min before the start
        JsonNode model = Json.MAPPER.readTree(Rendered.bundle(Map.of("recording-interval", "1m")).dashboardJson());
        List<DashboardQueries.Query> panels = DashboardQueries.prometheusQueries(model, "loki", Duration.ofDays(30));
        List<DashboardQueries.Query> verify = DashboardQueries.prometheusQueries(model, "loki", Duration.ofHours(1)); // checks/verify.yaml queryRange
        Map<String, Long> small;
        Map<String, Long> smallVerify;
        try (PrometheusProcess p = backfilled(20, end)) {
            System.out.printf("~100 series: %s claude_code_* series in the TSDB%n", count(p, end));
            small = timeAll(p, panels, end, runs, false);
            smallVerify = timeAll(p, verify, end, runs, false);
        }
        try (PrometheusProcess p = backfilled(20_000, end)) {
            System.out.printf("~100,000 series: %s claude_code_* series in the TSDB%n", count(p, end));
            Map<String, Long> large = timeAll(p, panels, end, runs, false);
            Map<String, Long> largeVerify = timeAll(p, verify, end, runs, false);
            Map<String, Long> raw = timeAll(p, panels, end, 1, true);
            long sSmall = 0;
            long sLarge = 0;
            long sRaw = 0;
            double worst = 0;
            String worstPanel = "";
            System.out.println("panel query over 30 days (median ms of " + runs + "): ~100 | ~100,000 | ratio | raw expression at ~100,000 (1 run)");
            for (DashboardQueries.Query q : panels) {
                String k = q.panel() + " " + q.refId();
                long a = small.get(k);
                long b = large.get(k);
                double ratio = (double) Math.max(b, 1) / Math.max(a, 1);
                if (ratio > worst) {
                    worst = ratio;
                    worstPanel = k;
                }
                sSmall += a;
                sLarge += b;
                sRaw += raw.get(k);
                System.out.printf(Locale.ROOT, "  %-52s %6d %8d %6.2fx %9d%n", k, a, b, ratio, raw.get(k));
            }
            System.out.printf(Locale.ROOT, "dashboard total over 30 days: ~100 series %d ms, ~100,000 series %d ms (%.2fx);"
                    + " raw expressions at ~100,000: %d ms (%.1fx the recorded)%n", sSmall, sLarge, (double) sLarge / Math.max(sSmall, 1),
                    sRaw, (double) sRaw / Math.max(sLarge, 1));
            System.out.printf(Locale.ROOT, "slowest panel ratio: %.2fx (%s); goal within 2x%n", worst, worstPanel);
            long vSmall = smallVerify.values().stream().mapToLong(Long::longValue).sum();
            long vLarge = largeVerify.values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "verify's dashboard-check queries (1h ranges, %d, in sequence): ~100 series %d ms,"
                    + " ~100,000 series %d ms (%.2fx)%n", verify.size(), vSmall, vLarge, (double) vLarge / Math.max(vSmall, 1));
        }
    }

    /** A Prometheus 3 on a TSDB backfilled with {@code sessions} sessions over the 30 days before {@code end}. */
    static PrometheusProcess backfilled(int sessions, long end) throws Exception {
        Path work = ManagedProcess.tempDir("dashboard-scale");
        Path om = work.resolve("data.om");
        long t0 = System.nanoTime();
        write(om, sessions, end);
        Path blocks = work.resolve("blocks");
        Path promtool = RealComponents.binary("prometheus", "promtool");
        // one block for the month (2h blocks by default: 360 of them, which Prometheus would compact while measured)
        Process pt = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", "-q",
                "--max-block-duration=744h",
                om.toString(), blocks.toString()).redirectErrorStream(true).redirectOutput(work.resolve("promtool.log").toFile()).start();
        if (!pt.waitFor(30, TimeUnit.MINUTES) || pt.exitValue() != 0) {
            throw new AssertionError("promtool create-blocks-from failed: " + Files.readString(work.resolve("promtool.log")));
        }
        System.out.printf("backfill of %d sessions: %d MB of OpenMetrics, blocks in %d s%n", sessions, Files.size(om) >> 20,
                (System.nanoTime() - t0) / 1_000_000_000);
        Files.delete(om);
        PrometheusProcess p = PrometheusProcess.start("global:\n  scrape_interval: 1m\n", Map.of(),
                "--storage.tsdb.retention.time=60d");
        p.stopProcess();
        try (var list = Files.list(blocks)) {
            for (Path b : list.toList()) {
                Files.move(b, p.dir().resolve("data").resolve(b.getFileName()));
            }
        }
        return p.restart();
    }

    /** The OpenMetrics text: per metric family, every series in time order, then the recorded increments. */
    static void write(Path file, int sessions, long end) throws IOException {
        long start = end - DAYS30;
        long spacing = DAYS30 / sessions;
        String[][] families = {
                {"claude_code_cost_usage_USD", "cost_usd", "0.05"},
                {"claude_code_session_count", "sessions", "0"},
                {"claude_code_token_usage_tokens", "tokens", "700"},
                {"claude_code_active_time_seconds", "active_time_seconds", "20"}};
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (String[] f : families) {
                w.write("# TYPE " + f[0] + " counter\n");
                for (String type : f[0].contains("token") ? new String[] {"input", "output"} : new String[] {""}) {
                    for (int i = 0; i < sessions; i++) {
                        long born = start + i * spacing;
                        String labels = labels(i, type) + ",session_id=\"s" + i + "\"";
                        for (long t = born; t <= Math.min(born + ACTIVE + KEPT, end); t += STEP) {
                            w.write(f[0] + "_total{" + labels + "} " + value(f, t - born) + " " + t + "\n");
                        }
                    }
                }
            }
            // The recording rules' output for the same sessions: at each evaluation after a sample that grew, the
            // growth, added up per combination of the other labels (the sessions of one combination never overlap).
            for (String[] f : families) {
                String name = "claude_code:" + f[1] + ":increment";
                w.write("# TYPE " + name + " gauge\n");
                for (String type : f[0].contains("token") ? new String[] {"input", "output"} : new String[] {""}) {
                    Map<String, List<String>> byCombo = new TreeMap<>();
                    for (int i = 0; i < sessions; i++) {
                        long born = start + i * spacing;
                        double before = 0;
                        for (long t = born; t <= Math.min(born + ACTIVE, end); t += STEP) {
                            double v = amount(f, t - born);
                            if (v > before) {
                                byCombo.computeIfAbsent(labels(i, type), k -> new ArrayList<>())
                                        .add(String.format(Locale.ROOT, "%.6f %d", v - before, (t / 60 + 1) * 60));
                            }
                            before = v;
                        }
                    }
                    for (Map.Entry<String, List<String>> e : byCombo.entrySet()) {
                        for (String s : e.getValue()) {
                            w.write(name + "{" + e.getKey() + "} " + s + "\n");
                        }
                    }
                }
            }
            w.write("# EOF\n");
        }
    }

    private static String labels(int i, String type) {
        return "user=\"user" + (i % 50) + "@example.com\",machine_name=\"box" + (i % 120) + "\",model=\"model" + (i % 3)
                + "\",terminal_type=\"term" + (i % 4) + "\",start_type=\"fresh\",exported_job=\"claude-code\""
                + (type.isEmpty() ? "" : ",type=\"" + type + "\"");
    }

    /** A counter's value {@code age} seconds after its session began: grows while the session works, then stays. */
    private static String value(String[] f, long age) {
        return String.format(Locale.ROOT, "%.6f", amount(f, age));
    }

    private static double amount(String[] f, long age) {
        double per = Double.parseDouble(f[2]);
        return per == 0 ? 1 : per * (Math.min(age, ACTIVE) / STEP + 1);
    }

    private static String count(PrometheusProcess p, long end) {
        String body = instant(p, "count(last_over_time({__name__=~\"claude_code_.+_total\"}[30d]))", end);
        return body.replaceAll("(?s).*\"value\":\\[[^,]*,\"([^\"]*)\".*", "$1");
    }

    /** Median wall time per query (ms), keyed "panel refId"; with {@code raw}, each query's raw twin instead. */
    static Map<String, Long> timeAll(PrometheusProcess p, List<DashboardQueries.Query> queries, long at, int runs, boolean raw) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DashboardQueries.Query q : queries) {
            String expr = raw && RawPanels.readsRecorded(q.expr()) ? RawPanels.raw(q.expr()) : q.expr();
            List<Long> times = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                instant(p, expr, at);
                times.add((System.nanoTime() - t0) / 1_000_000);
            }
            times.sort(null);
            out.put(q.panel() + " " + q.refId(), times.get(times.size() / 2));
        }
        return out;
    }

    private static String instant(PrometheusProcess p, String expr, long at) {
        String body = p.get("/api/v1/query?time=" + at + "&query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        if (!body.contains("\"status\":\"success\"")) {
            throw new AssertionError(expr + ": " + body);
        }
        return body;
    }
}
