package dev.migrate.testsupport;

import dev.migrate.testsupport.FakeHttpServer.Reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The homelab pipeline on loopback, as verify and soak see it: the real collector running the
 * config deploy renders ({@link CollectorProcess}, logs to the Loki double's /otlp), a real
 * Prometheus 3 scraping it as the ServiceMonitor does (job otel-collector, two targets: the
 * exporter page, endpoint="prometheus", and the collector's own metrics, endpoint="telemetry")
 * with the rendered PrometheusRule loaded, a Loki double, a Grafana double (both AGPL, so doubles)
 * and a real Alertmanager. The Claude Code data is sent by {@link ClaudeCodeClient} through the
 * collector, over gRPC for claude-code and http/protobuf for claude-code-desktop, and by
 * {@link Telemetry2026} (the 2026 attributes and events, clock-driven, in the background).
 * <p>
 * Two extra scrape jobs are doubles on purpose, failure material a healthy collector cannot give:
 * {@code broken-collector} (its page answers 500) and {@code unsuffixed-exporter} (names as
 * add_metric_suffixes: false leaves them, under the prefix other_code_).
 */
public final class PipelineWorld implements AutoCloseable {
    /** The rules the world's Prometheus runs: the rendered PrometheusRule's groups, as the operator loads them. */
    public static final String RULES = Rendered.prometheusRules(Rendered.bundle());

    /** Everything the constructor started, in order: closed in reverse by {@link #close()}, or at once if a start fails. */
    private final List<AutoCloseable> started = new ArrayList<>();
    public final FakeHttpServer broken;
    public final FakeHttpServer unsuffixed;
    public final LokiDouble loki;
    /** Replaced by {@link #restartCollector()} (same ports, as a restarted pod behind its Service). */
    public volatile CollectorProcess collector;
    public final FakeHttpServer grafana;
    public final PrometheusProcess prometheus;
    public final AlertmanagerProcess alertmanager;
    private final ClaudeCodeClient cli;
    private final ClaudeCodeClient desktop;
    /** The 2026 attributes, users and events, and the colliding session, sent in the background. */
    private final Telemetry2026 telemetry2026;
    private int sent;

    /** @param sessions sessions per service (claude-code and claude-code-desktop), each with the six session metrics */
    public PipelineWorld(int sessions) {
        this(sessions, Rendered.bundle(), "1s");
    }

    /**
     * @param bundle         the rendered bundle whose collector config and rules the world runs instead of
     *                       {@link Rendered#bundle()}'s (e.g. default settings, whose recording rules run every minute
     *                       rather than every 5 s, for a benchmark at team scale)
     * @param scrapeInterval how often Prometheus scrapes (1s in the tests; a benchmark with a 100,000-series exporter
     *                       page takes longer, as the homelab's 15s does)
     */
    public PipelineWorld(int sessions, dev.migrate.bundle.Bundle bundle, String scrapeInterval) {
        String rules = Rendered.prometheusRules(bundle);
        try {
            broken = started(FakeHttpServer.start().on("/metrics", Reply.text(500, "internal error")));
            unsuffixed = started(FakeHttpServer.start());
            loki = started(new LokiDouble());
            grafana = started(FakeHttpServer.start());
            unsuffixed.on("/metrics", Reply.text(200, ClaudeCodeExposition.text("other", ClaudeCodeExposition.unsuffixed(
                    ClaudeCodeExposition.SESSION_METRICS).stream().map(n -> n.replace("claude_code_", "other_code_")).toList(), 1)));
            collector = CollectorProcess.startBundle(bundle, loki.url() + "/otlp");
            started.add(() -> collector.close()); // the one running now, after a restart too
            cli = started(new ClaudeCodeClient(collector.grpcEndpoint(), "grpc", "claude-code", "laptop"));
            desktop = started(new ClaudeCodeClient(collector.httpEndpoint(), "http/protobuf", "claude-code-desktop", "laptop"));
            grafana.on("/api/dashboards/uid/claude-code", Reply.json("{\"dashboard\":" + DASHBOARD
                            + ",\"meta\":{\"slug\":\"claude-code\",\"folderTitle\":\"Claude Code\"}}"))
                    .on("/api/datasources/uid/prometheus", Reply.json("{\"id\":1,\"uid\":\"prometheus\",\"name\":\"Prometheus\","
                            + "\"type\":\"prometheus\",\"url\":\"http://prometheus-kube-prometheus-prometheus.monitoring:9090/\"}"))
                    .on("/api/datasources/uid/loki", Reply.json("{\"id\":2,\"uid\":\"loki\",\"name\":\"Loki\",\"type\":\"loki\","
                            + "\"url\":\"http://loki.monitoring:3100\"}"));
            String config = "global:\n  scrape_interval: " + scrapeInterval + "\n  evaluation_interval: 1s\nrule_files:\n  - ${DIR}/rules.yml\n"
                    + "scrape_configs:\n" + collectorJob(collector)
                    + job("broken-collector", broken) + job("unsuffixed-exporter", unsuffixed);
            prometheus = started(PrometheusProcess.start(config, Map.of("rules.yml", rules)));
            alertmanager = started(AlertmanagerProcess.start(AlertmanagerProcess.NULL_ROUTE));
            sessions(sessions);
            // The five classic events from the CLI, one from Desktop.
            for (String event : List.of("api_request", "api_request", "tool_result", "user_prompt", "tool_decision")) {
                cli.event("s-000000", event, Map.of("model", "claude-sonnet-4-5"));
            }
            desktop.event("s-000000", "api_request", Map.of("model", "claude-sonnet-4-5"));
            cli.export();
            desktop.export();
            telemetry2026 = started(Telemetry2026.start(collector));
            prometheus.awaitQuery("count(claude_code_cost_usage_USD_total) >= " + 2 * sessions, Duration.ofSeconds(30));
            prometheus.awaitQuery("claude_code_cost_usage_USD_total{session_id=\"collide\"}", Duration.ofSeconds(30));
            prometheus.awaitQuery("other_code_cost_usage", Duration.ofSeconds(30));
            prometheus.awaitQuery("up{job=\"broken-collector\"} == 0", Duration.ofSeconds(30));
            prometheus.awaitQuery("otelcol_receiver_accepted_log_records_total", Duration.ofSeconds(30));
            awaitLoki(6 + Telemetry2026.eventCount(), Duration.ofSeconds(30));
        } catch (RuntimeException | Error e) {
            try {
                close(); // a world that failed to start leaves no process behind
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private <T extends AutoCloseable> T started(T t) {
        started.add(t);
        return t;
    }

    /** The scrape job the ServiceMonitor makes: job otel-collector, the exporter and the collector's own metrics. */
    public static String collectorJob(CollectorProcess c) {
        return "  - job_name: otel-collector\n    static_configs:\n"
                + "      - targets: ['" + c.exporterTarget() + "']\n        labels: {endpoint: prometheus}\n"
                + "      - targets: ['" + c.telemetryTarget() + "']\n        labels: {endpoint: telemetry}\n";
    }

    /**
     * Waits for an evaluation of the recording group that covers what the world has sent so far, on the tests'
     * recording settings ({@link Rendered#WORLD}): the recorded panels read only what it wrote.
     */
    public void awaitRecorded() {
        prometheus.awaitGroupEvaluated(DashboardPanels.RECORDING_GROUP, Rendered.WORLD_QUERY_OFFSET, Duration.ofSeconds(60));
    }

    /**
     * Sends sessions up to {@code sessions} per service through the real collector (those already sent
     * stay: the collector keeps a series for metric_expiration, as in the cluster), six metrics each.
     */
    public void sessions(int sessions) {
        for (int s = sent; s < sessions; s++) {
            String id = String.format(java.util.Locale.ROOT, "s-%06d", s);
            for (ClaudeCodeClient c : List.of(cli, desktop)) {
                c.sessionStarted(id).cost(id, 1 + s % 7 + 0.5, "claude-sonnet-4-5")
                        .tokens(id, "input", 1000 + s, "claude-sonnet-4-5")
                        .activeTime(id, "cli", 30).linesOfCode(id, "added", 10)
                        .editDecision(id, "Edit", "accept", "Java", false);
            }
            if (s % 500 == 499) { // exports stay below the receiver's 4 MiB gRPC message limit
                cli.export();
                desktop.export();
            }
        }
        sent = Math.max(sent, sessions);
        cli.export();
        desktop.export();
    }

    /** Kills the collector at once (SIGKILL, as an OOM kill would). */
    public void killCollector() {
        collector.kill();
    }

    /** Starts the collector again on the same ports; what it held in memory is gone, as in a restarted pod. */
    public void restartCollector() {
        collector = collector.restart();
    }

    /** Sends one more export interval of token usage for the first session (a counter that grows). */
    public void moreTokens(long n) {
        cli.tokens("s-000000", "input", n, "claude-sonnet-4-5").export();
    }

    private void awaitLoki(int records, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (loki.lines().size() < records) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Loki double received " + loki.lines().size() + " of " + records
                        + " records from the collector:\n" + collector.logText());
            }
            ManagedProcess.sleep(100);
        }
    }

    private static String job(String name, FakeHttpServer... targets) {
        List<String> addresses = new ArrayList<>();
        for (FakeHttpServer t : targets) {
            addresses.add("'127.0.0.1:" + t.port() + "'");
        }
        return "  - job_name: " + name + "\n    static_configs:\n      - targets: [" + String.join(", ", addresses) + "]\n";
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
        RuntimeException failed = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new IllegalStateException("closing the pipeline world", e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
