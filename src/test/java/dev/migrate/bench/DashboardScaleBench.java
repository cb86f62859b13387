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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For bench/dashboard-scale.sh: every Prometheus panel of the dashboard over 30 days at ~100,000 client series
 * against the same panel at ~100, in one run, on a real Prometheus 3 (printed, never asserted). The series are
 * backfilled into the TSDB with promtool tsdb create-blocks-from openmetrics (sending 100,000 series through the
 * collector is what the collector's own benchmark measures, and takes its memory): 30 days of sessions, each
 * session 5 series (cost, session count, input and output tokens, active time) scraped every 5 minutes for the
 * 10 minutes it works and the 2 hours the exporter keeps it, and the increments the recording rules write for
 * them (1m). Each panel runs as Grafana runs it when the dashboard is opened on 30 days: over 30 days, or over
 * its own shorter {@code timeFrom} (the per-session panels' 24h). Also at both sizes: the floor (an instant
 * {@code vector(1)}), the template variables' label_values over 30 days (as rendered, and over the raw series),
 * what the recorded increments hold (series, samples, and the samples an hourly level would hold), a prototype
 * the bundle does not ship (Total cost from a recorded running total per label combination), and the
 * dashboard check's queries as verify runs them (queryRange 1h); with "raw", each panel's raw expression (each
 * session's own series, what every panel read before the recording rules) at ~100,000, once.
 */
public final class DashboardScaleBench {
    static final long STEP = 300;           // seconds between samples of a client series in the backfill
    static final long ACTIVE = 600;         // a session's work: its counters grow for 10 minutes
    static final long KEPT = 7200;          // then metric_expiration keeps the series 2 h
    static final long DAYS30 = 30L * 86400;

    /** The prototype's series (see {@link #write}): not a name the bundle records. */
    static final String RUNNING_TOTAL = "bench_prototype_cost_running_total";
    /** Total cost over 30 days read from {@link #RUNNING_TOTAL}: the total at the end minus the total 30 days before. */
    static final String RUNNING_TOTAL_READ;

    static {
        String sel = RUNNING_TOTAL + "{user=~\".*\", model=~\".*\", machine_name=~\".*\", terminal_type=~\".*\"}";
        RUNNING_TOTAL_READ = "sum((last_over_time(" + sel + "[5m]) - last_over_time(" + sel + "[5m] offset 30d)) or last_over_time("
                + sel + "[5m]))";
    }

    private DashboardScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        boolean withRaw = List.of(args).contains("raw");
        // before=FILE: a previous dashboard (bench/dashboard-scale.sh before=REV writes that revision's): each panel query
        // that differs from the current one is timed beside it, at both sizes, in the same run
        String before = List.of(args).stream().filter(a -> a.startsWith("before=")).map(a -> a.substring(7)).findFirst().orElse(null);
        long end = Instant.now().getEpochSecond() / 60 * 60 - 1200; // the backfill ends 20 min before the start
        JsonNode model = Json.MAPPER.readTree(Rendered.bundle(Map.of("recording-interval", "1m")).dashboardJson());
        List<Opened> opened = asOpened(model, Duration.ofDays(30));
        List<DashboardQueries.Query> panels = opened.stream().map(Opened::query).toList();
        List<DashboardQueries.Query> verify = DashboardQueries.prometheusQueries(model, "loki", Duration.ofHours(1)); // checks/verify.yaml queryRange
        List<String[]> variables = variables(model);
        List<DashboardQueries.Query> previous = new ArrayList<>();
        if (before != null) {
            Map<String, String> now = new LinkedHashMap<>();
            panels.forEach(q -> now.put(key(q), q.expr()));
            JsonNode old = Json.MAPPER.readTree(Rendered.bundle(Map.of("recording-interval", "1m", "dashboard", before)).dashboardJson());
            asOpened(old, Duration.ofDays(30)).stream().map(Opened::query)
                    .filter(q -> now.containsKey(key(q)) && !now.get(key(q)).equals(q.expr())).forEach(previous::add);
        }
        Sized small;
        try (PrometheusProcess p = backfilled(20, end)) {
            System.out.printf("~100 series: %s claude_code_* series in the TSDB%n", count(p, end));
            small = Sized.measure(p, panels, verify, variables, previous, end, runs);
        }
        try (PrometheusProcess p = backfilled(20_000, end)) {
            System.out.printf("~100,000 series: %s claude_code_* series in the TSDB%n", count(p, end));
            Sized large = Sized.measure(p, panels, verify, variables, previous, end, runs);
            Map<String, Double> raw = withRaw ? timeAll(p, panels, end, 1, true) : Map.of();
            report(opened, variables, small, large, raw, runs);
        }
    }

    /** What one TSDB size measured: per panel query, verify's queries, the variables, the floor, what the recorded series hold. */
    record Sized(Map<String, Double> panels, Map<String, Double> verify, Map<String, Double> variables,
                 Map<String, Double> rawVariables, double floor, Map<String, String> holdings, double runningTotal,
                 String runningTotalValue, String totalCostValue, Map<String, Double> previous) {
        static Sized measure(PrometheusProcess p, List<DashboardQueries.Query> panels, List<DashboardQueries.Query> verify,
                             List<String[]> variables, List<DashboardQueries.Query> previous, long end, int runs) {
            Map<String, Double> vars = new LinkedHashMap<>();
            Map<String, Double> rawVars = new LinkedHashMap<>();
            for (String[] v : variables) {
                vars.put(v[0], median(runs, () -> labelValues(p, v[1], v[2], end)));
                rawVars.put(v[0], median(runs, () -> labelValues(p, rawTwin(v[1]), v[2], end)));
            }
            String totalCost = panels.stream().filter(q -> q.panel().equals("Total cost")).findFirst().orElseThrow().expr();
            return new Sized(timeAll(p, panels, end, runs, false), timeAll(p, verify, end, runs, false), vars, rawVars,
                    median(Math.max(runs, 5), () -> instant(p, "vector(1)", end)), holdingsOf(p, end),
                    median(runs, () -> instant(p, RUNNING_TOTAL_READ, end)), value(p, RUNNING_TOTAL_READ, end), value(p, totalCost, end),
                    timeAll(p, previous, end, runs, false));
        }
    }

    private static void report(List<Opened> panels, List<String[]> variables, Sized small, Sized large,
                               Map<String, Double> raw, int runs) {
        System.out.printf(Locale.ROOT, "floor, vector(1) as an instant query (median ms): ~100 %.1f, ~100,000 %.1f%n", small.floor(), large.floor());
        System.out.println("what the recorded increments hold over the 30 days (series / samples; samples an hourly level would hold,"
                + " per label combination and without labels):");
        small.holdings().forEach((k, v) -> System.out.printf("  %-42s ~100: %-28s ~100,000: %s%n", k, v, large.holdings().get(k)));
        System.out.println("panel query as Grafana runs it (30 days, or the panel's own shorter timeFrom), median ms of " + runs
                + ": reads | range | ~100 | ~100,000 | ratio" + (raw.isEmpty() ? "" : " | raw twin at ~100,000 (1 run)"));
        double sSmall = 0;
        double sLarge = 0;
        double sRaw = 0;
        double worst = 0;
        String worstPanel = "";
        int within = 0;
        for (Opened o : panels) {
            DashboardQueries.Query q = o.query();
            String k = key(q);
            double a = small.panels().get(k);
            double b = large.panels().get(k);
            double ratio = ratio(b, a);
            if (ratio > worst) {
                worst = ratio;
                worstPanel = k;
            }
            within += ratio <= 2 ? 1 : 0;
            sSmall += a;
            sLarge += b;
            String reads = RawPanels.readsRecorded(q.expr()) ? "recorded" : "sessions";
            String range = o.range().toDays() > 0 ? o.range().toDays() + "d" : o.range().toHours() + "h";
            String rawCol = "";
            if (raw.containsKey(k)) {
                sRaw += raw.get(k);
                rawCol = String.format(Locale.ROOT, " %9.1f", raw.get(k));
            }
            System.out.printf(Locale.ROOT, "  %-52s %-8s %-4s %8.1f %9.1f %7.2fx%s%n", k, reads, range, a, b, ratio, rawCol);
        }
        System.out.printf(Locale.ROOT, "dashboard total: ~100 series %.0f ms, ~100,000 series %.0f ms (%.2fx)%s%n", sSmall, sLarge,
                sLarge / Math.max(sSmall, 0.1), raw.isEmpty() ? ""
                        : String.format(Locale.ROOT, "; raw twins at ~100,000: %.0f ms (%.1fx the recorded)", sRaw, sRaw / Math.max(sLarge, 0.1)));
        System.out.printf(Locale.ROOT, "panels within 2x: %d of %d; slowest ratio %.2fx (%s); goal: every panel within 2x%n",
                within, panels.size(), worst, worstPanel);
        System.out.printf(Locale.ROOT, "prototype, Total cost from a recorded running total (two samples per combination, any range):"
                        + " ~100 %.1f ms, ~100,000 %.1f ms (%.2fx) against Total cost A's %.2fx; values %s and %s (Total cost: %s and %s)%n",
                small.runningTotal(), large.runningTotal(), ratio(large.runningTotal(), small.runningTotal()),
                ratio(large.panels().get("Total cost A"), small.panels().get("Total cost A")),
                small.runningTotalValue(), large.runningTotalValue(), small.totalCostValue(), large.totalCostValue());
        small.previous().forEach((k, v) -> System.out.printf(Locale.ROOT, "changed panel %s: before ~100 %.1f ms, ~100,000 %.1f ms (%.2fx);"
                + " now ~100 %.1f ms, ~100,000 %.1f ms (%.2fx)%n", k, v, large.previous().get(k), ratio(large.previous().get(k), v),
                small.panels().get(k), large.panels().get(k), ratio(large.panels().get(k), small.panels().get(k))));
        System.out.println("template variables, label values over 30 days (median ms): ~100 | ~100,000 | ratio | the same over the raw series (before)");
        for (String[] v : variables) {
            System.out.printf(Locale.ROOT, "  $%-10s label_values(%s, %s) %8.1f %9.1f %7.2fx | raw %8.1f %9.1f %7.2fx%n", v[0], v[1], v[2],
                    small.variables().get(v[0]), large.variables().get(v[0]), ratio(large.variables().get(v[0]), small.variables().get(v[0])),
                    small.rawVariables().get(v[0]), large.rawVariables().get(v[0]),
                    ratio(large.rawVariables().get(v[0]), small.rawVariables().get(v[0])));
        }
        double vSmall = small.verify().values().stream().mapToDouble(Double::doubleValue).sum();
        double vLarge = large.verify().values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "verify's dashboard-check queries (1h ranges, %d, in sequence): ~100 series %.0f ms,"
                + " ~100,000 series %.0f ms (%.2fx)%n", small.verify().size(), vSmall, vLarge, vLarge / Math.max(vSmall, 0.1));
        large.verify().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .forEach(e -> System.out.printf(Locale.ROOT, "  slowest at ~100,000: %-52s %7.1f ms (~100: %.1f)%n", e.getKey(), e.getValue(),
                        small.verify().get(e.getKey())));
    }

    private static double ratio(double large, double small) {
        return Math.max(large, 0.1) / Math.max(small, 0.1);
    }

    /**
     * The dashboard's Prometheus queries as Grafana runs them when the dashboard is opened on {@code range}: a panel
     * with a shorter relative time of its own ({@code timeFrom}, e.g. the per-session panels' 24h) over that.
     */
    static List<Opened> asOpened(JsonNode model, Duration range) {
        Map<String, Duration> own = new LinkedHashMap<>();
        ArrayDeque<JsonNode> todo = new ArrayDeque<>();
        model.path("panels").forEach(todo::add);
        while (!todo.isEmpty()) {
            JsonNode panel = todo.poll();
            panel.path("panels").forEach(todo::add);
            String from = panel.path("timeFrom").asText("");
            if (from.matches("\\d+[mhd]")) {
                long n = Long.parseLong(from.substring(0, from.length() - 1));
                Duration d = switch (from.charAt(from.length() - 1)) {
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                own.put(panel.path("title").asText(), d);
            }
        }
        List<DashboardQueries.Query> whole = DashboardQueries.prometheusQueries(model, "loki", range);
        List<Opened> out = new ArrayList<>();
        Map<Duration, List<DashboardQueries.Query>> shorter = new LinkedHashMap<>();
        for (int i = 0; i < whole.size(); i++) {
            Duration d = own.get(whole.get(i).panel());
            if (d == null || d.compareTo(range) >= 0) {
                out.add(new Opened(whole.get(i), range));
            } else {
                out.add(new Opened(shorter.computeIfAbsent(d, x -> DashboardQueries.prometheusQueries(model, "loki", x)).get(i), d));
            }
        }
        return out;
    }

    /** A panel query with the range it runs over. */
    record Opened(DashboardQueries.Query query, Duration range) {
    }

    /** The dashboard's query variables as {name, metric, label} from their {@code label_values(metric, label)}. */
    static List<String[]> variables(JsonNode model) {
        List<String[]> out = new ArrayList<>();
        Pattern lv = Pattern.compile("label_values\\(\\s*([^,\\s]+)\\s*,\\s*([A-Za-z_]+)\\s*\\)");
        for (JsonNode v : model.path("templating").path("list")) {
            Matcher m = lv.matcher(v.path("definition").asText(""));
            if (m.matches()) {
                out.add(new String[] {v.path("name").asText(), m.group(1), m.group(2)});
            }
        }
        return out;
    }

    /** The client's own metric a recorded increment adds up (what a variable read before it), or the metric itself. */
    private static String rawTwin(String metric) {
        Matcher m = Pattern.compile("claude_code:([a-z_]+):increment").matcher(metric);
        return m.matches() ? RawPanels.METRIC.get(m.group(1)) : metric;
    }

    /** Grafana's label_values(metric, label) over the dashboard's 30 days: the label values API with match[]. */
    private static void labelValues(PrometheusProcess p, String metric, String label, long end) {
        String body = p.get("/api/v1/label/" + label + "/values?start=" + (end - DAYS30) + "&end=" + end + "&match%5B%5D="
                + URLEncoder.encode(metric, StandardCharsets.UTF_8));
        if (!body.contains("\"status\":\"success\"")) {
            throw new AssertionError(metric + " " + label + ": " + body);
        }
    }

    /**
     * Per recorded increment: its series and samples over the 30 days, and how many samples an hourly level would
     * hold (one per label combination and hour where something grew; and without any label, one per hour).
     */
    private static Map<String, String> holdingsOf(PrometheusProcess p, long end) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.of("cost_usd", "tokens", "sessions", "active_time_seconds")) {
            String m = "claude_code:" + name + ":increment";
            out.put(m, value(p, "count(count_over_time(" + m + "[30d]))", end) + " / " + value(p, "sum(count_over_time(" + m + "[30d]))", end)
                    + "; 1h " + value(p, "sum(count_over_time(sum_over_time(" + m + "[1h])[30d:1h]))", end)
                    + ", 1h unlabelled " + value(p, "count_over_time(sum(sum_over_time(" + m + "[1h]))[30d:1h])", end));
        }
        return out;
    }

    private static String value(PrometheusProcess p, String expr, long end) {
        String body = instant(p, expr, end);
        return body.contains("\"value\"") ? body.replaceAll("(?s).*\"value\":\\[[^,]*,\"([^\"]*)\".*", "$1") : "0";
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
        Files.delete(blocks);
        Files.delete(work.resolve("promtool.log"));
        Files.delete(work);
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
            // A prototype, not what the bundle records: a running total of the cost per combination (at each interval
            // its previous value plus the interval's increment), written only around the two instants a read over the
            // 30 days touches (its first and last 10 minutes), to time such a read beside Total cost.
            Map<String, TreeMap<Long, Double>> growth = new TreeMap<>();
            for (int i = 0; i < sessions; i++) {
                long born = start + i * spacing;
                double before = 0;
                for (long t = born; t <= Math.min(born + ACTIVE, end); t += STEP) {
                    double v = amount(families[0], t - born);
                    growth.computeIfAbsent(labels(i, ""), k -> new TreeMap<>()).merge((t / 60 + 1) * 60, v - before, Double::sum);
                    before = v;
                }
            }
            w.write("# TYPE " + RUNNING_TOTAL + " gauge\n");
            for (Map.Entry<String, TreeMap<Long, Double>> e : growth.entrySet()) {
                for (long t : new long[] {start - 2 * STEP, start - STEP, start, end - 2 * STEP, end - STEP, end}) {
                    double total = 100 + e.getValue().headMap(t, true).values().stream().mapToDouble(Double::doubleValue).sum();
                    w.write(RUNNING_TOTAL + "{" + e.getKey() + "} " + String.format(Locale.ROOT, "%.6f %d", total, t) + "\n");
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
        return value(p, "count(last_over_time({__name__=~\"claude_code_.+_total\"}[30d]))", end);
    }

    private static String key(DashboardQueries.Query q) {
        return q.panel() + " " + q.refId();
    }

    /** Median wall time per query (ms, to 0.1), keyed "panel refId"; with {@code raw}, each query's raw twin instead. */
    static Map<String, Double> timeAll(PrometheusProcess p, List<DashboardQueries.Query> queries, long at, int runs, boolean raw) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (DashboardQueries.Query q : queries) {
            String expr = raw && RawPanels.readsRecorded(q.expr()) ? RawPanels.raw(q.expr()) : q.expr();
            out.put(key(q), median(runs, () -> instant(p, expr, at)));
        }
        return out;
    }

    /** The median wall time of {@code runs} runs of a query, in ms. */
    private static double median(int runs, Runnable query) {
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            query.run();
            times.add(Stats.ms(System.nanoTime() - t0));
        }
        return Stats.median(times);
    }

    private static String instant(PrometheusProcess p, String expr, long at) {
        String body = p.get("/api/v1/query?time=" + at + "&query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        if (!body.contains("\"status\":\"success\"")) {
            throw new AssertionError(expr + ": " + body);
        }
        return body;
    }
}
