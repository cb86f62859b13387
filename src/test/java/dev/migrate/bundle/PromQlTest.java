package dev.migrate.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.Settings;
import dev.migrate.soak.AnalysisCatalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules and the dashboard's Prometheus queries, checked and evaluated by the real
 * Prometheus engine through promtool (check rules / test rules with synthetic series): Prometheus
 * 3's, and for the one-shot-counter cases also Debian's 2.42. This is
 * where "one-shot counters do not read 0" is proven rather than asserted in text.
 */
class PromQlTest {
    @TempDir
    Path dir;

    private static JsonNode dashboard(Bundle b) throws Exception {
        return Json.MAPPER.readTree(b.dashboardJson());
    }

    /** The first Prometheus expression of the panel with this title, with Grafana's range variables set. */
    private static String panelExpr(Bundle b, String title, String range) throws Exception {
        for (JsonNode p : dashboard(b).get("panels")) {
            if (p.path("title").asText().equals(title)) {
                return variables(p.at("/targets/0/expr").asText().replace("$__range", range).replace("$__interval", range));
            }
        }
        throw new AssertionError("no panel '" + title + "'");
    }

    /** The dashboard variables as Grafana fills them on first load: "All" (.*) for the filters, billing day 1. */
    static String variables(String expr) {
        return expr.replaceAll("\\$(user|model|machine|terminal)\\b", ".*").replace("$billing_day", "1");
    }

    private Promtool.Run promtoolTest(Bundle bundle, List<String> series, List<Map<String, Object>> exprTests) throws Exception {
        return promtoolTest(Promtool.Version.PROMETHEUS_3, bundle, series, exprTests);
    }

    private Promtool.Run promtoolTest(Promtool.Version version, Bundle bundle, List<String> series,
                                      List<Map<String, Object>> exprTests) throws Exception {
        JsonNode rule = TestBundles.object(bundle, "PrometheusRule");
        JsonNode groups = rule.at("/spec/groups").deepCopy();
        if (version == Promtool.Version.DEBIAN_2_42) {
            groups.forEach(g -> ((com.fasterxml.jackson.databind.node.ObjectNode) g).remove("query_offset")); // 2.53+
        }
        Files.writeString(dir.resolve("rules.yaml"), Json.YAML.writeValueAsString(Map.of("groups", groups)));
        List<Map<String, String>> input = new ArrayList<>();
        for (String s : series) {
            String[] parts = s.split(" ", 2);
            input.add(Map.of("series", parts[0], "values", parts[1]));
        }
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "1m");
        test.put("input_series", input);
        test.put("promql_expr_test", exprTests);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rule_files", List.of("rules.yaml"));
        doc.put("evaluation_interval", "1m");
        doc.put("tests", List.of(test));
        Files.writeString(dir.resolve("test.yaml"), Json.YAML.writeValueAsString(doc));
        return Promtool.run(version, dir, "test", "rules", "test.yaml");
    }

    private static Map<String, Object> expect(String expr, String at, Double value) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("expr", expr);
        t.put("eval_time", at);
        t.put("exp_samples", value == null ? List.of() : List.of(Map.of("labels", "{}", "value", value)));
        return t;
    }

    private static String alertExpr(Bundle b, String alert) {
        for (JsonNode group : TestBundles.object(b, "PrometheusRule").at("/spec/groups")) {
            for (JsonNode r : group.get("rules")) {
                if (r.path("alert").asText().equals(alert)) {
                    return r.get("expr").asText();
                }
            }
        }
        throw new AssertionError("no alert " + alert);
    }

    @Test
    void alertRulesAndTheirTemplatesAreValidForPrometheus() throws Exception {
        JsonNode rule = TestBundles.object(TestBundles.defaults(), "PrometheusRule");
        Files.writeString(dir.resolve("rules.yaml"), Json.YAML.writeValueAsString(Map.of("groups", rule.at("/spec/groups"))));
        Promtool.Run run = Promtool.run(dir, "check", "rules", "rules.yaml");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("SUCCESS: 17 rules found"), run.output());
    }

    @Test
    void everyDashboardPrometheusQueryParses() throws Exception {
        List<Map<String, String>> records = new ArrayList<>();
        for (JsonNode panel : dashboard(TestBundles.defaults()).get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                if (panel.at("/datasource/type").asText().equals("prometheus")) {
                    String expr = variables(target.get("expr").asText().replace("$__range", "6h").replace("$__interval", "1m"));
                    records.add(Map.of("record", "dashboard:panel_" + panel.get("id").asText() + "_" + target.get("refId").asText(),
                            "expr", expr));
                }
            }
        }
        assertTrue(records.size() >= 20, "the dashboard has its Prometheus queries: " + records.size());
        Files.writeString(dir.resolve("dashboard-rules.yaml"), Json.YAML.writeValueAsString(
                Map.of("groups", List.of(Map.of("name", "dashboard", "rules", records)))));
        Promtool.Run run = Promtool.run(dir, "check", "rules", "dashboard-rules.yaml");
        assertEquals(0, run.exitCode(), run.output());
    }

    @Test
    void billingCycleCountsFromMidnightUtcOfTheBillingDayIncludingTheHourInProgress() throws Exception {
        Bundle b = BundleRenderer.render(TestBundles.settings().with(Map.of("recording-interval", "5m")));
        String cycle = panelExpr(b, "Cost this billing cycle", "1h");
        // $1 a minute from 1970-01-01 00:00 UTC (promtool's time 0, a day 1), as the recording rules write it with
        // recording-interval 5m: $5 per evaluation. The recorded series is the input here because evaluating the
        // rules over 40 days takes promtool minutes; recordedPanelsShowWhatTheRawPanelsShowedOnTheSameData proves
        // the rules write exactly this from the sessions' own series.
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "5m");
        test.put("input_series", List.of(Map.of("series", "claude_code:cost_usd:increment{user=\"a\"}", "values", "0 5x13200")));
        test.put("promql_expr_test", List.of(
                expect(cycle, "245h30m", 14730.0),                                        // day 1: every minute so far
                expect(cycle.replace("< bool 1)", "< bool 5)"), "245h30m", 14730.0 - 5760), // from Jan 5 00:00
                expect(cycle, "960h", 57600.0 - 44640),                                    // Feb 10: from Feb 1
                expect(cycle.replace("< bool 1)", "< bool 3)"), "970h20m", 58220.0 - 47520), // Feb 11: from Feb 3
                expect(cycle.replace("< bool 1)", "< bool 3)"), "50h10m", 130.0)));          // Jan 3, the cycle's first day
        Files.writeString(dir.resolve("cycle.yaml"), Json.YAML.writeValueAsString(Map.of("evaluation_interval", "5m",
                "tests", List.of(test))));
        Promtool.Run run = Promtool.run(dir, "test", "rules", "cycle.yaml");
        assertEquals(0, run.exitCode(), run.output());
    }

    /** Only the bundle's recording group, as a rule file. */
    private static String recordingRules(Bundle b) throws Exception {
        List<JsonNode> groups = new ArrayList<>();
        TestBundles.object(b, "PrometheusRule").at("/spec/groups").deepCopy().forEach(g -> {
            if (g.path("name").asText().equals(RECORDING_GROUP)) {
                // The windows' arithmetic without the query_offset: the offset moves each window and its sample back
                // by the same amount, and promtool's unit tests do not line shifted samples up with eval_time
                // (RecordedPanelsTest and RealClientTest run the offset on a real Prometheus).
                ((com.fasterxml.jackson.databind.node.ObjectNode) g).remove("query_offset");
                groups.add(g);
            }
        });
        assertEquals(1, groups.size(), "the PrometheusRule has the group " + RECORDING_GROUP);
        return Json.YAML.writeValueAsString(Map.of("groups", groups));
    }

    static final String RECORDING_GROUP = "claude-code-recording";

    /**
     * Sessions as Prometheus holds them after the collector, sampled every 15 s, 3 hours: a session that grows
     * from its first export (cost, tokens, lines, active time, edits), one that appears once and stays (the
     * Desktop app's session with a one-shot cost), one that goes stale for 15 minutes (longer than the 5m
     * lookback) and comes back with its running total, commits and a pull request born late, and an
     * agents_view process the session panels leave out.
     */
    static final List<String> SESSIONS = List.of(
            "claude_code_cost_usage_USD_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",query_source=\"main\",effort=\"high\",speed=\"fast\"} _x40 0.5+0.01x600",
            "claude_code_cost_usage_USD_total{session_id=\"s2\",user=\"bob\",model=\"m2\",machine_name=\"desk\",terminal_type=\"tmux\",exported_job=\"claude-code-desktop\",agent_name=\"reviewer\",skill_name=\"pdf\"} _x400 3x300",
            "claude_code_cost_usage_USD_total{session_id=\"s3\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",mcp_server_name=\"github\"} _x20 1+0.1x100 stale _x59 11.5+0.1x400",
            "claude_code_session_count_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",start_type=\"fresh\"} _x40 1x680",
            "claude_code_session_count_total{session_id=\"s2\",user=\"bob\",model=\"m2\",machine_name=\"desk\",terminal_type=\"tmux\",start_type=\"fresh\",exported_job=\"claude-code-desktop\"} _x400 1x300",
            "claude_code_session_count_total{session_id=\"s3\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",start_type=\"resume\"} _x20 1x100 stale _x59 1x400",
            "claude_code_session_count_total{session_id=\"s4\",user=\"alice\",machine_name=\"laptop\",start_type=\"agents_view\"} _x30 1x600",
            "claude_code_commit_count_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\"} _x200 1x200 2x200",
            "claude_code_pull_request_count_total{session_id=\"s2\",user=\"bob\",model=\"m2\",machine_name=\"desk\",terminal_type=\"tmux\"} _x600 1x100",
            "claude_code_token_usage_tokens_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"input\",query_source=\"main\"} _x40 100+50x600",
            "claude_code_token_usage_tokens_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"output\",query_source=\"main\"} _x40 20+7x600",
            "claude_code_token_usage_tokens_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"cacheRead\",query_source=\"main\"} _x40 1000+300x600",
            "claude_code_token_usage_tokens_total{session_id=\"s3\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"cacheCreation\"} _x20 500+10x100 stale _x59 1510+10x400",
            "claude_code_lines_of_code_count_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"added\"} _x50 10+5x500",
            "claude_code_lines_of_code_count_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"removed\"} _x50 2+1x500",
            "claude_code_code_edit_tool_decision_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",decision=\"accept\",tool_name=\"Edit\",language=\"Java\"} _x60 1+1x10 11x500",
            "claude_code_code_edit_tool_decision_count_total{session_id=\"s3\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",decision=\"reject\",tool_name=\"Write\",language=\"Go\"} _x300 1x300",
            "claude_code_active_time_seconds_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"user\"} _x40 1+1x600",
            "claude_code_active_time_seconds_total{session_id=\"s1\",user=\"alice\",model=\"m1\",machine_name=\"laptop\",terminal_type=\"vscode\",type=\"cli\"} _x40 3+2x600");

    /**
     * Every panel that reads the recorded increments shows what its raw expression (each session's own series,
     * as the dashboard read them before) shows on the same data, row for row: windows that start before the
     * data, cut through a growing session, hold a one-shot series' birth, and the idle gap and the return.
     * Evaluated at whole minutes, where a recording evaluation ends, so both cover the same window.
     */
    @Test
    void recordedPanelsShowWhatTheRawPanelsShowedOnTheSameData() throws Exception {
        Bundle b = TestBundles.defaults();
        List<Map<String, Object>> tests = new ArrayList<>();
        int targets = 0;
        // (eval time, range): all of it, the idle gap and the return inside; a window starting inside growth and
        // holding a one-shot birth; a window holding the return but not the last value before the gap
        String[][] windows = {{"180m", "3h"}, {"180m", "1h"}, {"50m", "30m"}};
        for (JsonNode p : allPanels(dashboard(b))) {
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                if (!dev.migrate.testsupport.RawPanels.readsRecorded(expr)
                        || p.path("title").asText().equals(dev.migrate.testsupport.RawPanels.BILLING_CYCLE)) {
                    continue;
                }
                targets++;
                for (String[] w : windows) {
                    String recorded = variables(expr.replace("$__range", w[1]).replace("$__interval", w[1]));
                    String raw = dev.migrate.testsupport.RawPanels.raw(recorded);
                    // as many rows, and no row whose value differs
                    String rec = shown(recorded);
                    String old = shown(raw);
                    tests.add(expect("abs((count(" + rec + ") or vector(0)) - (count(" + old + ") or vector(0)))"
                            + " + (count(abs((" + rec + ") - (" + old + ")) > 1e-9) or vector(0))", w[0], 0.0));
                }
            }
        }
        assertTrue(targets >= 50, "the panels read the recorded increments: " + targets + " queries");
        // and the numbers themselves, counted by hand from SESSIONS
        tests.add(expect(variables(panelExpr(b, "Sessions", "3h")), "180m", 3.0));        // s1, s2, s3 once, never s4
        tests.add(expect(variables(panelExpr(b, "Sessions from Desktop", "3h")), "180m", 1.0));
        tests.add(expect(variables(panelExpr(b, "Commits", "3h")), "180m", 2.0));
        tests.add(expect(variables(panelExpr(b, "Pull requests", "1h")), "180m", 1.0));
        // s1 6.5 + s2 3 + s3 51.5 (its gap not counted twice)
        tests.add(expect("round(" + variables(panelExpr(b, "Total cost", "3h")) + " * 1000)", "180m", 61000.0));
        // from 2h: s1 grew 6.5 - 4.9, s2 (born at 100m) did not grow, s3 grew 51.5 - 41.4
        tests.add(expect("round(" + variables(panelExpr(b, "Total cost", "1h")) + " * 1000)", "180m", 11700.0));
        Promtool.Run run = promtoolRecorded(b, SESSIONS, "15s", tests);
        assertEquals(0, run.exitCode(), run.output());
    }

    /**
     * A counter reset (the collector restarted: its running total starts again from 0). The recorded increments
     * count what grew before the reset and what grew after it: the session's true total. The raw expression read
     * the highest value the series had in the range, the larger side of the reset.
     */
    @Test
    void aCounterResetCountsTheGrowthOnBothSides() throws Exception {
        Bundle b = TestBundles.defaults();
        String total = variables(panelExpr(b, "Total cost", "1h"));
        // $1..$21, the collector restarts, $0.5..$10.5, then the session idles
        List<String> series = List.of("claude_code_cost_usage_USD_total{session_id=\"r\"} _x3 1+1x20 0.5+0.5x20 10.5x100");
        Promtool.Run run = promtoolRecorded(b, series, "15s", List.of(
                expect(total, "30m", 31.5),
                expect(dev.migrate.testsupport.RawPanels.raw(total), "30m", 21.0)));
        assertEquals(0, run.exitCode(), run.output());
    }

    /**
     * The rows of a query that show a number: not 0, NaN or infinite. The recorded increments hold only what grew,
     * so where the raw expression shows a 0 row (a series still exported that did not grow in the window) or
     * divides by such a 0, the recorded one shows no row (Grafana: no data).
     */
    static String shown(String expr) {
        return "((" + expr + ") != 0 and (" + expr + ") == (" + expr + ") and abs(" + expr + ") != Inf)";
    }

    private Promtool.Run promtoolRecorded(Bundle b, List<String> series, String interval, List<Map<String, Object>> exprTests)
            throws Exception {
        List<Map<String, String>> input = new ArrayList<>();
        for (String s : series) {
            String[] parts = s.split(" ", 2);
            input.add(Map.of("series", parts[0], "values", parts[1]));
        }
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", interval);
        test.put("input_series", input);
        test.put("promql_expr_test", exprTests);
        Files.writeString(dir.resolve("recording.yaml"), recordingRules(b));
        Files.writeString(dir.resolve("recorded.yaml"), Json.YAML.writeValueAsString(Map.of(
                "rule_files", List.of("recording.yaml"), "evaluation_interval", "1m", "tests", List.of(test))));
        return Promtool.run(dir, "test", "rules", "recorded.yaml");
    }

    private static List<JsonNode> allPanels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
        dashboard.path("panels").forEach(todo::add);
        while (!todo.isEmpty()) {
            JsonNode p = todo.poll();
            out.add(p);
            p.path("panels").forEach(todo::add);
        }
        return out;
    }

    /** Run on Prometheus 3 and on Debian's 2.42: the panels read the same on both (see docs/telemetry.md, "Queries that do not read 0"). */
    @ParameterizedTest
    @EnumSource(Promtool.Version.class)
    void oneShotCounterPanelsCountSessionsAndCommitsThatIncreaseWouldReadAsZero(Promtool.Version version) throws Exception {
        Bundle b = TestBundles.defaults();
        String sessions = panelExpr(b, "Sessions", "1h");
        String commits = panelExpr(b, "Commits", "1h");
        Promtool.Run run = promtoolTest(version, b, List.of(
                // Two sessions born inside the last hour (one-shot: 1 and never again), one born before it.
                "claude_code_session_count_total{session_id=\"old\"} 1x120",
                "claude_code_session_count_total{session_id=\"a\"} _x70 1x60",
                "claude_code_session_count_total{session_id=\"b\"} _x100 1x30",
                // Session a commits twice inside the hour; session old committed once before and once inside.
                "claude_code_commit_count_total{session_id=\"a\"} _x80 1x10 2x40",
                "claude_code_commit_count_total{session_id=\"old\"} _x20 1x80 2x30"),
                List.of(expect(sessions, "120m", 2.0),
                        expect(commits, "120m", 3.0),
                        // What the rule queries.one-shot-counters forbids, evaluated on the same data:
                        expect("sum(increase(claude_code_session_count_total[1h]))", "120m", 0.0),
                        // Where the two differ: a 1h window over 1m samples holds 61 of them on 2.42 (closed at
                        // its start) and 60 on Prometheus 3 (left-open). The panels above read the same on both.
                        expect("sum(count_over_time(claude_code_session_count_total{session_id=\"old\"}[1h]))", "120m",
                                version == Promtool.Version.DEBIAN_2_42 ? 61.0 : 60.0)));
        assertEquals(0, run.exitCode(), run.output());
    }

    @ParameterizedTest
    @EnumSource(Promtool.Version.class)
    void dailySpendAlertCountsShortSessionsFromZeroAndUsesTheConfiguredThreshold(Promtool.Version version) throws Exception {
        List<String> series = List.of(
                // A session costing $9 and a short one costing $3: $12 in the day.
                "claude_code_cost_usage_USD_total{session_id=\"a\"} _x30 4 8 9x200",
                "claude_code_cost_usage_USD_total{session_id=\"b\"} _x100 3x200");
        Bundle ten = TestBundles.defaults();
        Promtool.Run fires = promtoolTest(version, ten, series, List.of(
                expect(alertExpr(ten, "ClaudeCodeDailySpendHigh"), "150m", 12.0),
                // increase() would have seen $5 of the $12 and stayed quiet.
                expect("sum(increase(claude_code_cost_usage_USD_total[1d])) > 10", "150m", null)));
        assertEquals(0, fires.exitCode(), fires.output());

        Settings twenty = TestBundles.settings().with(Map.of("daily-spend-alert-usd", "20"));
        Bundle quiet = BundleRenderer.render(twenty);
        Promtool.Run silent = promtoolTest(version, quiet, series, List.of(expect(alertExpr(quiet, "ClaudeCodeDailySpendHigh"), "150m", null)));
        assertEquals(0, silent.exitCode(), silent.output());
    }

    @Test
    void collectorDownAndAbsentAlertsSeeAMissingScrapeTarget() throws Exception {
        Bundle b = TestBundles.defaults();
        Promtool.Run run = promtoolTest(b, List.of("up{job=\"otel-collector\",instance=\"10.0.0.5:8889\"} 1x10 0x20"), List.of(
                expect("count(" + alertExpr(b, "OtelCollectorDown") + ")", "5m", null),
                expect("count(" + alertExpr(b, "OtelCollectorDown") + ")", "20m", 1.0),
                expect("count(" + alertExpr(b, "OtelCollectorAbsent") + ")", "5m", null)));
        assertEquals(0, run.exitCode(), run.output());
        Promtool.Run absent = promtoolTest(b, List.of("up{job=\"node\"} 1x30"), List.of(
                expect("count(" + alertExpr(b, "OtelCollectorAbsent") + ")", "10m", 1.0)));
        assertEquals(0, absent.exitCode(), absent.output());
    }

    @Test
    void collectorDownFiresForTheOneTargetOfTwoThatIsDown() throws Exception {
        Bundle b = TestBundles.defaults();
        // The ServiceMonitor's two endpoints: the exporter (8889) stays up, the collector's own metrics (8888) go down.
        Promtool.Run run = promtoolTest(b, List.of(
                "up{job=\"otel-collector\",instance=\"10.0.0.5:8889\",endpoint=\"prometheus\"} 1x30",
                "up{job=\"otel-collector\",instance=\"10.0.0.5:8888\",endpoint=\"telemetry\"} 1x10 0x20"), List.of(
                expect("count(" + alertExpr(b, "OtelCollectorDown") + ")", "5m", null),
                expect("count(" + alertExpr(b, "OtelCollectorDown") + ")", "20m", 1.0),
                expect("count((" + alertExpr(b, "OtelCollectorDown") + ") unless on(endpoint) up{endpoint=\"prometheus\"})", "20m", 1.0),
                expect("count(" + alertExpr(b, "OtelCollectorAbsent") + ")", "20m", null)));
        assertEquals(0, run.exitCode(), run.output());
    }

    private static String soakQuery(String check) {
        return AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"), Duration.ofSeconds(60), "monitoring")
                .checks().stream().filter(c -> c.name().equals(check)).findFirst().orElseThrow().query();
    }

    /**
     * The soak's otelcol_* queries on the series the collector serves on :8888 (0.149 names with the
     * bundle's reader options, plus the labels the ServiceMonitor scrape adds). The otlp receiver's
     * metric and log counters differ only by name: a single {__name__=~...} selector under increase()
     * would make Prometheus refuse the query ("vector cannot contain metrics with the same labelset").
     */
    @Test
    void soakCollectorQueriesReadTheCollectorsOwnMetrics() throws Exception {
        String flowing = soakQuery("data-flowing");
        String refusing = soakQuery("receiver-not-refusing");
        String failing = soakQuery("exporter-not-failing");
        String scrape = "job=\"otel-collector\",instance=\"10.0.0.5:8888\",endpoint=\"telemetry\",";
        Bundle b = TestBundles.defaults();
        Promtool.Run run = promtoolTest(b, List.of(
                "otelcol_receiver_accepted_metric_points_total{" + scrape + "receiver=\"otlp\",transport=\"grpc\"} 0+12x30",
                "otelcol_receiver_accepted_log_records_total{" + scrape + "receiver=\"otlp\",transport=\"grpc\"} 0+3x30",
                "otelcol_receiver_refused_metric_points_total{" + scrape + "receiver=\"otlp\",transport=\"grpc\"} 0x30",
                // memory_limiter refuses 4 log records at minute 15
                "otelcol_receiver_refused_log_records_total{" + scrape + "receiver=\"otlp\",transport=\"grpc\"} 0x14 4x15",
                "otelcol_exporter_send_failed_metric_points_total{" + scrape + "exporter=\"prometheus\"} 0x30",
                // Loki rejects a batch at minute 15
                "otelcol_exporter_send_failed_log_records_total{" + scrape + "exporter=\"otlp_http/loki\"} 0x14 3x15"), List.of(
                expect("(" + flowing + ") > bool 0", "12m", 1.0),
                expect("(" + refusing + ") == bool 0", "12m", 1.0),
                expect("(" + failing + ") == bool 0", "12m", 1.0),
                expect("(" + refusing + ") > bool 0", "18m", 1.0),
                expect("(" + failing + ") > bool 0", "18m", 1.0),
                // five minutes later the window has moved past both: healthy again
                expect("(" + refusing + ") == bool 0", "25m", 1.0)));
        assertEquals(0, run.exitCode(), run.output());

        // Before any log record passed, the log counters do not exist yet: still a measurement (0), not no data.
        Promtool.Run metricsOnly = promtoolTest(b, List.of(
                "otelcol_receiver_refused_metric_points_total{" + scrape + "receiver=\"otlp\",transport=\"grpc\"} 0x30",
                "otelcol_exporter_send_failed_metric_points_total{" + scrape + "exporter=\"prometheus\"} 0x30"), List.of(
                expect(refusing, "12m", 0.0),
                expect(failing, "12m", 0.0)));
        assertEquals(0, metricsOnly.exitCode(), metricsOnly.output());

        // What the real collector 0.149 serves while healthy: no send_failed counter at all, only sent.
        Promtool.Run healthy = promtoolTest(b, List.of(
                "otelcol_exporter_sent_metric_points_total{" + scrape + "exporter=\"prometheus\"} 0+12x30"), List.of(
                expect(failing, "12m", 0.0)));
        assertEquals(0, healthy.exitCode(), healthy.output());

        // The telemetry endpoint not scraped at all: no data (inconclusive in soak.yaml), never a silent pass.
        Promtool.Run unscraped = promtoolTest(b, List.of("up{job=\"otel-collector\",instance=\"10.0.0.5:8889\"} 1x30"), List.of(
                expect(flowing, "12m", null), expect(refusing, "12m", null), expect(failing, "12m", null)));
        assertEquals(0, unscraped.exitCode(), unscraped.output());
    }
}
