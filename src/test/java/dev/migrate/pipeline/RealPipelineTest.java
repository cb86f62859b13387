package dev.migrate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.data.DataFiles;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.RealChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the real chain produces from a client shaped like Claude Code: the OTel Java SDK with delta
 * temporality (CLI over gRPC, Desktop over http/protobuf) → the real collector on the rendered
 * config → the real Prometheus 3 scraping it as the ServiceMonitor does, and → the Loki double.
 * The exact series names and labels, the events as Loki stores them, the collector's own metrics
 * under the names soak queries. Dashboard numbers are in {@link DashboardNumbersTest}.
 */
class RealPipelineTest {
    static RealChain chain;

    /** Sent once, in three export intervals, by {@link #start()}. */
    static final Set<String> NAMES = Set.of(
            "claude_code_session_count_total",
            "claude_code_cost_usage_USD_total",
            "claude_code_token_usage_tokens_total",
            "claude_code_active_time_seconds_total",
            "claude_code_lines_of_code_count_total",
            "claude_code_commit_count_total",
            "claude_code_pull_request_count_total",
            "claude_code_code_edit_tool_decision_total",
            // the same metric from a client that still sends unit "count" (docs before 2026-07)
            "claude_code_code_edit_tool_decision_count_total");

    @BeforeAll
    static void start() {
        chain = SampleSessions.chain();
    }

    @AfterAll
    static void stop() {
        chain.close();
    }

    @Test
    void prometheusScrapesBothCollectorEndpointsAsTheServiceMonitorDoes() {
        JsonNode up = chain.prometheus.query("up{job=\"otel-collector\"}");
        Map<String, String> byEndpoint = new TreeMap<>();
        up.forEach(r -> byEndpoint.put(r.at("/metric/endpoint").asText(), r.at("/value/1").asText()));
        assertEquals(Map.of("prometheus", "1", "telemetry", "1"), byEndpoint, up.toString());
    }

    @Test
    void theSeriesNamesAreExactlyTheOnesTheDashboardAndChecksExpect() {
        Set<String> names = new TreeSet<>();
        chain.prometheus.query("count by (__name__) ({__name__=~\"claude_code_.+\"})")
                .forEach(r -> names.add(r.at("/metric/__name__").asText()));
        assertEquals(new TreeSet<>(NAMES), names);
    }

    @Test
    void aCostSeriesCarriesTheseLabelsAndNoOthers() {
        JsonNode r = chain.prometheus.query("claude_code_cost_usage_USD_total{exported_job=\"claude-code\"}");
        assertEquals(1, r.size(), r.toString());
        Map<String, String> labels = new TreeMap<>();
        r.get(0).get("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("__name__", "claude_code_cost_usage_USD_total"),
                // the scrape's own: the ServiceMonitor job, the target, its endpoint
                Map.entry("job", "otel-collector"),
                Map.entry("instance", chain.collector.exporterTarget()),
                Map.entry("endpoint", "prometheus"),
                // service.name becomes the exporter's job, renamed exported_job because honorLabels is false
                Map.entry("exported_job", "claude-code"),
                // data-point attributes, dots to underscores
                Map.entry("session_id", "a"),
                // an API-key client: user.id only (no user.email); the collector's user label is that id
                Map.entry("user_id", ClaudeCodeClient.userId("laptop")),
                Map.entry("user", ClaudeCodeClient.userId("laptop")),
                Map.entry("terminal_type", "vscode"),
                Map.entry("machine_name", "laptop"),
                Map.entry("model", "claude-sonnet-4-5"),
                // the instrumentation scope
                Map.entry("otel_scope_name", "com.anthropic.claude_code"),
                // the client's version, as the real client names its meter
                Map.entry("otel_scope_version", ClaudeCodeClient.VERSION),
                Map.entry("otel_scope_schema_url", "")));
        expected.values().removeIf(String::isEmpty); // Prometheus drops empty labels
        assertEquals(expected, labels);
    }

    /**
     * Where the real exporter differs from ClaudeCodeExposition's page: without service.instance.id
     * in the resource (this client sets none, like the Claude Code docs list none) it serves no
     * target_info at all, so os.type, host.arch and service.version are nowhere in Prometheus, and
     * only the attributes copied onto data points (machine_name) are labels.
     */
    @Test
    void resourceAttributesAreNotOnTheSeriesAndWithoutAnInstanceIdThereIsNoTargetInfo() {
        assertTrue(chain.prometheus.query("target_info{endpoint=\"prometheus\"}").isEmpty(), chain.collector.exporterPage());
        assertTrue(chain.prometheus.query("claude_code_cost_usage_USD_total{os_type!=\"\"}").isEmpty(),
                "resource_to_telemetry_conversion stays off");
        assertEquals(Map.of("desk", 3.0, "laptop", 9.0), byLabel(chain.prometheus.query(
                "sum by (machine_name) (claude_code_cost_usage_USD_total)"), "machine_name"));
    }

    @Test
    void lokiReceivedTheEventsWithTheStructuredMetadataTheLokiPanelsQuery() {
        List<LokiDouble.Line> lines = chain.loki.lines();
        Set<String> events = new TreeSet<>();
        for (LokiDouble.Line l : lines) {
            assertTrue(l.stream().containsKey("service_name"), l.toString());
            events.add(l.metadata().get("event_name"));
        }
        assertEquals(new TreeSet<>(SampleSessions.EVENTS.keySet()), events);
        LokiDouble.Line api = lines.stream().filter(l -> "api_request".equals(l.metadata().get("event_name"))
                && "claude-code".equals(l.stream().get("service_name"))).findFirst().orElseThrow();
        assertEquals(Map.of("service_name", "claude-code"), api.stream(), "only service.name is an index label");
        assertEquals("claude_code.api_request", api.line());
        // what the dashboard's Loki panels filter, group and unwrap by
        for (String key : List.of("event_name", "model", "duration_ms", "session_id", "machine_name", "user")) {
            assertTrue(api.metadata().containsKey(key), key + " in " + api.metadata());
        }
        LokiDouble.Line tool = lines.stream().filter(l -> "tool_result".equals(l.metadata().get("event_name"))).findFirst().orElseThrow();
        assertEquals("true", tool.metadata().get("success"), tool.toString());
        assertEquals("Edit", tool.metadata().get("tool_name"), tool.toString());
        LokiDouble.Line compaction = lines.stream().filter(l -> "compaction".equals(l.metadata().get("event_name"))).findFirst().orElseThrow();
        assertEquals("120000", compaction.metadata().get("pre_tokens"), compaction.toString());
    }

    private static String soakQuery(String check) {
        return AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"), Duration.ofSeconds(30), "monitoring")
                .checks().stream().filter(c -> c.name().equals(check)).findFirst().orElseThrow().query();
    }

    @Test
    void theCollectorsOwnMetricsAnswerTheSoakQueries() {
        // the exact names RUNBOOK and soak.yaml give, with the labels they are told apart by
        for (String series : List.of(
                "otelcol_receiver_accepted_metric_points_total{receiver=\"otlp\",transport=\"grpc\"}",
                "otelcol_receiver_accepted_metric_points_total{receiver=\"otlp\",transport=\"http\"}",
                "otelcol_receiver_refused_metric_points_total{receiver=\"otlp\"}",
                "otelcol_receiver_accepted_log_records_total{receiver=\"otlp\"}",
                "otelcol_exporter_sent_metric_points_total{exporter=\"prometheus\"}",
                "otelcol_exporter_sent_log_records_total{exporter=\"otlp_http/loki\"}")) {
            try {
                chain.prometheus.awaitQuery(series, Duration.ofSeconds(20));
            } catch (AssertionError e) {
                throw new AssertionError(series + " not in Prometheus; the collector serves:\n" + chain.collector.telemetryPage(), e);
            }
        }
        // rate() needs the counter to grow while scraped, as the soak's probe makes it: one more point
        try (ClaudeCodeClient more = chain.client("grpc", "claude-code", "laptop")) {
            more.tokens("a", "input", 1, SampleSessions.MODEL).export();
            chain.prometheus.awaitQuery("(" + soakQuery("data-flowing") + ") > 0", Duration.ofSeconds(20));
        }
        assertEquals(0.0, chain.prometheus.value(soakQuery("receiver-not-refusing")));
        // a healthy 0.149 collector has no send_failed counter at all: still a measurement, 0
        assertTrue(chain.prometheus.query("{__name__=~\"otelcol_exporter_send_failed_.+\"}").isEmpty(),
                "send_failed counters appear only at the first failure");
        assertEquals(0.0, chain.prometheus.value(soakQuery("exporter-not-failing")));
    }

    @Test
    void nothingIsServedWithUnitsInBracesOrWithoutTotal() {
        String page = chain.collector.telemetryPage();
        assertTrue(page.contains("otelcol_receiver_accepted_metric_points_total{"), page);
        assertTrue(!page.contains("__datapoints__") && !page.contains("_datapoint_"), "no unit in the counter names: " + page);
        String exporter = chain.collector.exporterPage();
        assertTrue(!exporter.contains("claude_code_cost_usage_USD{") && exporter.contains("claude_code_cost_usage_USD_total{"), exporter);
    }

    static Map<String, Double> byLabel(JsonNode result, String label) {
        Map<String, Double> out = new TreeMap<>();
        result.forEach(r -> out.put(r.at("/metric/" + label).asText(), Double.valueOf(r.at("/value/1").asText())));
        return out;
    }

    static JsonNode tree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
