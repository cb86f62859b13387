package dev.migrate.testsupport;

import dev.migrate.testsupport.FakeHttpServer.Reply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The homelab pipeline on loopback, as verify and soak see it: a collector double (OTLP receiver
 * that "exports" like the real one: metrics onto its Prometheus exposition page, logs into the Loki
 * double), a real Prometheus scraping it as job otel-collector with our alert rules loaded (two targets,
 * as the ServiceMonitor's two endpoints: the exporter page and the collector's own metrics), a Loki
 * double, a Grafana double and a real Alertmanager. Extra scrape jobs give failure material without
 * a second Prometheus: {@code broken-collector} (its page answers 500) and {@code unsuffixed-exporter}
 * (names as add_metric_suffixes: false leaves them, under the prefix other_code_).
 */
public final class PipelineWorld implements AutoCloseable {
    public static final String RULES = """
            groups:
              - name: claude-code-spend
                rules:
                  - alert: ClaudeCodeDailySpendHigh
                    expr: sum(max_over_time(claude_code_cost_usage_USD_total[1d])) > 10
                    labels: {severity: warning}
              - name: otel-collector
                rules:
                  - alert: OtelCollectorDown
                    expr: up{job="otel-collector"} == 0
                    for: 5m
                  - alert: OtelCollectorAbsent
                    expr: absent(up{job="otel-collector"})
                    for: 5m
            """;

    public final FakeHttpServer exporter = FakeHttpServer.start();
    public final FakeHttpServer broken = FakeHttpServer.start().on("/metrics", Reply.text(500, "internal error"));
    public final FakeHttpServer unsuffixed = FakeHttpServer.start();
    /** The collector's own metrics (service.telemetry.metrics, :8888), counted from what the double received. */
    public final FakeHttpServer telemetry = FakeHttpServer.start();
    public final OtlpReceiverDouble collector = new OtlpReceiverDouble();
    public final LokiDouble loki = new LokiDouble();
    public final FakeHttpServer grafana = FakeHttpServer.start();
    public final PrometheusProcess prometheus;
    public final AlertmanagerProcess alertmanager;
    private final List<String> probeLines = Collections.synchronizedList(new ArrayList<>());
    private volatile String claudeCodePage;

    /** @param sessions session_id values per Claude Code metric (series = 6 names x 2 services x sessions) */
    public PipelineWorld(int sessions) {
        sessions(sessions);
        exporter.on("/metrics", r -> Reply.text(200, page()));
        telemetry.on("/metrics", r -> Reply.text(200, telemetryPage()));
        unsuffixed.on("/metrics", Reply.text(200, ClaudeCodeExposition.text("other", ClaudeCodeExposition.unsuffixed(
                ClaudeCodeExposition.SESSION_METRICS).stream().map(n -> n.replace("claude_code_", "other_code_")).toList(), 1)));
        collector.forwardMetrics(p -> {
            if (p.metric().equals("migrate.probe")) { // the prometheus exporter: dots to _, monotonic sum gets _total
                probeLines.add("migrate_probe_total{job=\"" + p.resource().get("service.name") + "\",probe_id=\""
                        + p.attributes().get("probe_id") + "\"} " + p.value());
            }
        });
        collector.forwardLogs(l -> { // Loki's native OTLP: service.name is the index label, attributes structured metadata
            Map<String, String> metadata = new LinkedHashMap<>();
            l.attributes().forEach((k, v) -> metadata.put(k.replace('.', '_'), v));
            loki.add(Map.of("service_name", l.resource().get("service.name")), Instant.now(), l.body(), metadata);
        });
        Instant now = Instant.now();
        for (String event : List.of("api_request", "api_request", "tool_result", "user_prompt", "tool_decision")) {
            loki.addEvent("claude-code", event, now.minusSeconds(120));
        }
        loki.addEvent("claude-code-desktop", "api_request", now.minusSeconds(60));
        Telemetry2026.events(loki, now.minusSeconds(90));
        grafana.on("/api/dashboards/uid/claude-code", Reply.json("{\"dashboard\":" + DASHBOARD
                        + ",\"meta\":{\"slug\":\"claude-code\",\"folderTitle\":\"Claude Code\"}}"))
                .on("/api/datasources/uid/prometheus", Reply.json("{\"id\":1,\"uid\":\"prometheus\",\"name\":\"Prometheus\","
                        + "\"type\":\"prometheus\",\"url\":\"http://prometheus-kube-prometheus-prometheus.monitoring:9090/\"}"))
                .on("/api/datasources/uid/loki", Reply.json("{\"id\":2,\"uid\":\"loki\",\"name\":\"Loki\",\"type\":\"loki\","
                        + "\"url\":\"http://loki.monitoring:3100\"}"));
        String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${DIR}/rules.yml\n"
                + "scrape_configs:\n"
                + job("otel-collector", exporter, telemetry) + job("broken-collector", broken) + job("unsuffixed-exporter", unsuffixed);
        prometheus = PrometheusProcess.start(config, Map.of("rules.yml", RULES));
        alertmanager = AlertmanagerProcess.start(AlertmanagerProcess.NULL_ROUTE);
        prometheus.awaitQuery("claude_code_cost_usage_USD_total", Duration.ofSeconds(30));
        prometheus.awaitQuery("other_code_cost_usage", Duration.ofSeconds(30));
        prometheus.awaitQuery("up{job=\"broken-collector\"} == 0", Duration.ofSeconds(30));
    }

    /** Replaces the Claude Code page: 6 names x 2 services x {@code sessions} series from the next scrape on. */
    public void sessions(int sessions) {
        claudeCodePage = ClaudeCodeExposition.text(List.of("claude-code", "claude-code-desktop"),
                ClaudeCodeExposition.SESSION_METRICS, sessions);
    }

    private static String job(String name, FakeHttpServer... targets) {
        List<String> addresses = new ArrayList<>();
        for (FakeHttpServer t : targets) {
            addresses.add("'127.0.0.1:" + t.port() + "'");
        }
        return "  - job_name: " + name + "\n    static_configs:\n      - targets: [" + String.join(", ", addresses) + "]\n";
    }

    /**
     * What collector 0.14x serves on :8888 with the bundle's reader (without_units: true): counters with
     * _total, scope labels, one series per receiver/transport and exporter. Like the real one (OTel SDK
     * instruments), a signal's counters appear only once the receiver has handled a request of that signal.
     */
    private String telemetryPage() {
        StringBuilder sb = new StringBuilder();
        int points = collector.points().size();
        int logs = collector.logs().size();
        String receiver = "{otel_scope_name=\"go.opentelemetry.io/collector/receiver/receiverhelper\",receiver=\"otlp\",transport=\"http\"}";
        String exporterScope = "otel_scope_name=\"go.opentelemetry.io/collector/exporter/exporterhelper\",exporter=";
        if (points > 0) {
            counter(sb, "otelcol_receiver_accepted_metric_points_total", receiver, points);
            counter(sb, "otelcol_receiver_refused_metric_points_total", receiver, 0);
            counter(sb, "otelcol_exporter_sent_metric_points_total", "{" + exporterScope + "\"prometheus\"}", points);
            counter(sb, "otelcol_exporter_send_failed_metric_points_total", "{" + exporterScope + "\"prometheus\"}", 0);
        }
        if (logs > 0) {
            counter(sb, "otelcol_receiver_accepted_log_records_total", receiver, logs);
            counter(sb, "otelcol_receiver_refused_log_records_total", receiver, 0);
            counter(sb, "otelcol_exporter_sent_log_records_total", "{" + exporterScope + "\"otlphttp/loki\"}", logs);
            counter(sb, "otelcol_exporter_send_failed_log_records_total", "{" + exporterScope + "\"otlphttp/loki\"}", 0);
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String labels, int value) {
        sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(labels).append(' ').append(value).append('\n');
    }

    private String page() {
        StringBuilder sb = new StringBuilder(claudeCodePage);
        synchronized (probeLines) {
            if (!probeLines.isEmpty()) {
                sb.append("# HELP migrate_probe_total Synthetic probe\n# TYPE migrate_probe_total counter\n");
                probeLines.forEach(l -> sb.append(l).append('\n'));
            }
        }
        return Telemetry2026.into(sb.toString(), Instant.now());
    }

    /** A small dashboard shaped like ours: a row with nested panels, Prometheus and Loki targets, $__range. */
    public static final String DASHBOARD = """
            {"uid":"claude-code","title":"Claude Code","templating":{"list":[{"name":"machine","type":"query"}]},
             "panels":[
              {"type":"row","title":"Overview","collapsed":true,"panels":[
                {"type":"stat","title":"Total cost","datasource":{"type":"prometheus","uid":"prometheus"},
                 "targets":[{"refId":"A","expr":"sum(max_over_time(claude_code_cost_usage_USD_total{machine_name=~\\"$machine\\"}[$__range]))"}]}]},
              {"type":"timeseries","title":"Tokens","datasource":{"type":"prometheus","uid":"prometheus"},
               "targets":[{"refId":"A","expr":"sum by (type) (rate(claude_code_token_usage_tokens_total[$__rate_interval]))"}]},
              {"type":"stat","title":"Commits","datasource":{"type":"prometheus","uid":"prometheus"},
               "targets":[{"refId":"A","expr":"sum(claude_code_commit_count_total)"}]},
              {"type":"logs","title":"API requests","datasource":{"type":"loki","uid":"loki"},
               "targets":[{"refId":"A","expr":"{service_name=\\"claude-code\\"} | event_name=\\"api_request\\""}]}
             ]}
            """;

    @Override
    public void close() {
        alertmanager.close();
        prometheus.close();
        collector.close();
        loki.close();
        grafana.close();
        exporter.close();
        telemetry.close();
        broken.close();
        unsuffixed.close();
    }
}
