package dev.migrate.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.Json;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.AlertmanagerProcess;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.PrometheusProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bundle's alerts, as rendered into the PrometheusRule, in a real Prometheus (PrometheusProcess) that sends
 * to a real Alertmanager (AlertmanagerProcess). Three worlds scrape pages shaped like the collector's exporter:
 * <ul>
 * <li>busy: $33 in a day (alice $30), one session_id whose cost counter two processes interleave, and a
 *   collector refusing points: every spend alert, the counter-reset alert and the refusal alert fire;</li>
 * <li>quiet: $12 in a day, still growing: only the warning tier fires; critical, spike, forecast, per-user,
 *   resets, refusals and no-activity stay silent below their thresholds;</li>
 * <li>idle: no Claude Code data during business hours: only the no-activity alert fires.</li>
 * </ul>
 * The one change to the rendered rules: every {@code for:} becomes 0s. {@code for} is how long a condition must
 * hold, not the condition; waiting out 5 minutes to an hour per alert is what this test cannot afford. The
 * {@code for} values themselves are asserted below from the rendered rule.
 */
class AlertsFireTest {
    static final Settings SETTINGS = TestBundles.settings().with(Map.of(
            "daily-spend-alert-usd", "10", "daily-spend-critical-usd", "25", "hourly-spend-spike-usd", "20",
            "user-daily-spend-usd", "15", "monthly-budget-usd", "100", "cost-counter-resets-alert", "2",
            "business-hours", "0-24", "business-days", "0-6", "recording-interval", "5s", "recording-query-offset", "5s"));
    static final Set<String> SPEND = Set.of("ClaudeCodeDailySpendHigh", "ClaudeCodeDailySpendCritical",
            "ClaudeCodeHourlySpendSpike", "ClaudeCodeMonthlyBudgetForecast", "ClaudeCodeUserDailySpendHigh");

    static AlertmanagerProcess alertmanager;
    static final List<AutoCloseable> open = new ArrayList<>();
    static final Map<String, PrometheusProcess> worlds = new java.util.LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        alertmanager = AlertmanagerProcess.start(AlertmanagerProcess.NULL_ROUTE);
        String rules = rules(BundleRenderer.render(SETTINGS));
        world("busy", scrape -> cost("alice@example.com", "a1", 30) + cost("bob@example.com", "b1", 2)
                // two processes on session c1: the one exported series alternates between their totals
                + cost("alice@example.com", "c1", scrape % 2 == 0 ? 1.0 : 0.5)
                + refused(10 * scrape), rules);
        // Two API-key users ($7.60 each, under the $15 per-user threshold): no user.email, only their user.id.
        // Grouped by user_email they would be one blank user at $15.20 and fire ClaudeCodeUserDailySpendHigh.
        world("quiet", scrape -> cost("alice@example.com", "a2", 2 + 0.01 * scrape) + cost("bob@example.com", "b2", 1)
                + cost(null, "k1", 7.6) + cost(null, "k2", 7.6) + refused(0), rules);
        world("idle", scrape -> refused(0), rules);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        alertmanager.close();
    }

    /**
     * A cost series as the bundle's collector exports it: user_id always, user_email only for a claude.ai login
     * (email null: an API-key user), and the collector's user label (the email, else the user.id).
     */
    private static String cost(String email, String session, double usd) {
        String userId = dev.migrate.Digests.sha256Hex("install:" + session);
        return "claude_code_cost_usage_USD_total{job=\"claude-code\",instance=\"a1b2c3\",session_id=\"" + session
                + "\",user_id=\"" + userId + "\"" + (email == null ? "" : ",user_email=\"" + email + "\"")
                + ",user=\"" + (email == null ? userId : email) + "\""
                + ",model=\"claude-opus-4-5\",machine_name=\"laptop\",terminal_type=\"vscode\"} " + usd + "\n";
    }

    /** The collector's own counter (service.telemetry, without_units) of points the receiver refused. */
    private static String refused(long points) {
        return "otelcol_receiver_refused_metric_points_total{receiver=\"otlp\",transport=\"grpc\"} " + points + "\n";
    }

    /** The rendered PrometheusRule's groups as a Prometheus rule file, with every for: set to 0s. */
    static String rules(Bundle bundle) throws Exception {
        JsonNode groups = TestBundles.object(bundle, "PrometheusRule").at("/spec/groups").deepCopy();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                ((ObjectNode) rule).put("for", "0s");
            }
        }
        return Json.YAML.writeValueAsString(Map.of("groups", groups));
    }

    private static void world(String name, LongFunction<String> page, String rules) {
        AtomicLong scrapes = new AtomicLong();
        FakeHttpServer exporter = FakeHttpServer.start().on("/metrics", r -> Reply.text(200, page.apply(scrapes.getAndIncrement())));
        open.add(exporter);
        String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n  external_labels: {world: " + name + "}\n"
                + "rule_files:\n  - ${DIR}/rules.yml\n"
                + "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:" + alertmanager.port() + "']\n"
                + "scrape_configs:\n  - job_name: otel-collector\n    static_configs:\n      - targets: ['127.0.0.1:"
                + exporter.port() + "']\n";
        // Alerts that fire on the first evaluation can beat the notifier's discovery of the Alertmanager and are
        // dropped until the next resend (default 1m): resend every second instead.
        PrometheusProcess p = PrometheusProcess.start(config, Map.of("rules.yml", rules), "--rules.alert.resend-delay=1s");
        open.add(p);
        worlds.put(name, p);
    }

    /** Alert names Alertmanager holds for a world, once {@code expected} have all arrived (or 60 s passed). */
    private static Set<String> inAlertmanager(String world, Set<String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<String> names = new TreeSet<>();
        while (System.nanoTime() < deadline) {
            names.clear();
            String body = get(alertmanager.url() + "/api/v2/alerts?filter=" + java.net.URLEncoder.encode("world=\"" + world + "\"",
                    java.nio.charset.StandardCharsets.UTF_8));
            for (JsonNode a : Json.MAPPER.readTree(body.isEmpty() ? "[]" : body)) {
                names.add(a.at("/labels/alertname").asText());
            }
            if (names.containsAll(expected)) {
                break;
            }
            Thread.sleep(300);
        }
        return names;
    }

    /** Alerts the world's Prometheus has pending or firing right now. */
    private static Set<String> inPrometheus(String world) throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode a : Json.MAPPER.readTree(worlds.get(world).get("/api/v1/alerts")).at("/data/alerts")) {
            names.add(a.at("/labels/alertname").asText());
        }
        return names;
    }

    private static String get(String url) {
        try (var in = java.net.URI.create(url).toURL().openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void assertExactly(String world, Set<String> expected) throws Exception {
        Set<String> delivered = inAlertmanager(world, expected);
        Thread.sleep(3000); // a few more evaluations: anything that was going to fire on this data has
        assertEquals(new TreeSet<>(expected), inAlertmanager(world, expected), world + ": alerts in Alertmanager");
        assertEquals(new TreeSet<>(expected), inPrometheus(world), world + ": alerts pending or firing in Prometheus");
        assertEquals(new TreeSet<>(expected), delivered, world + ": alerts in Alertmanager");
    }

    @Test
    void aboveEveryThresholdEverySpendAlertTheResetAlertAndTheRefusalAlertFire() throws Exception {
        Set<String> expected = new TreeSet<>(SPEND);
        expected.addAll(Set.of("ClaudeCodeCostCounterResets", "OtelCollectorRefusingData"));
        assertExactly("busy", expected);
    }

    @Test
    void belowTheThresholdsOnlyTheWarningTierFires() throws Exception {
        assertExactly("quiet", Set.of("ClaudeCodeDailySpendHigh"));
    }

    @Test
    void noSpendInBusinessHoursFiresOnlyTheNoActivityAlert() throws Exception {
        assertExactly("idle", Set.of("ClaudeCodeNoActivityBusinessHours"));
    }

    @Test
    void theRenderedRulesKeepTheirWaitsAndTheNoActivityAlertIsOffByDefault() throws Exception {
        Map<String, String> waits = new java.util.TreeMap<>();
        for (JsonNode group : TestBundles.object(BundleRenderer.render(SETTINGS), "PrometheusRule").at("/spec/groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("alert")) { // the recording rules have no wait
                    waits.put(rule.get("alert").asText(), rule.get("for").asText());
                }
            }
        }
        assertEquals(Map.of("ClaudeCodeDailySpendHigh", "5m", "ClaudeCodeDailySpendCritical", "5m",
                "ClaudeCodeHourlySpendSpike", "5m", "ClaudeCodeMonthlyBudgetForecast", "1h", "ClaudeCodeUserDailySpendHigh", "5m",
                "ClaudeCodeCostCounterResets", "5m", "ClaudeCodeNoActivityBusinessHours", "10m", "OtelCollectorDown", "5m",
                "OtelCollectorAbsent", "10m", "OtelCollectorRefusingData", "5m"), waits);
        assertEquals(false, TestBundles.object(TestBundles.defaults(), "PrometheusRule").toString()
                .contains("ClaudeCodeNoActivityBusinessHours"), "without business-hours the alert is not deployed");
    }
}
