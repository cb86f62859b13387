package dev.migrate.checks;

import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.migrate.checks.Contexts.bundled;
import static dev.migrate.checks.Contexts.check;
import static dev.migrate.checks.Contexts.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every check kind against the pipeline on loopback (the real collector on the rendered config, real
 * Prometheus 3 and Alertmanager, doubles of Loki and Grafana): a passing case and the failures a user would meet.
 */
class VerifyChecksTest {
    static PipelineWorld world;

    @BeforeAll
    static void start() {
        world = new PipelineWorld(2);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    static CheckContext ctx() {
        return Contexts.of(world).build();
    }

    static void assertStatus(Status expected, CheckResult r, String... mentions) {
        assertEquals(expected, r.status(), r.toString());
        String all = r.observed() + " | " + r.cause() + " | " + r.fix();
        for (String m : mentions) {
            assertTrue(all.contains(m), "expected '" + m + "' in: " + all);
        }
    }

    // 1. VIP reachable

    @Test
    void vipReachableMeasuresBothPorts() {
        CheckResult r = run(bundled("vip-reachable"), ctx());
        assertStatus(Status.PASS, r, "otlp-grpc", "otlp-http", " ms");
    }

    @Test
    void vipReachableFailsOnAClosedPort() {
        int closed = ManagedProcess.freePort();
        CheckResult r = run(bundled("vip-reachable"), Contexts.of(world)
                .otlp(world.collector.grpcEndpoint(), "http://127.0.0.1:" + closed, "grpc").build());
        assertStatus(Status.FAIL, r, "127.0.0.1:" + closed, "trusted-cidrs");
    }

    // Clients: every client of the world listed; its colliding cumulative session named

    @Test
    void clientsListsTheWorldsMachinesAndUsersAndNamesItsCollidingSession() {
        // the two processes flip the one series about every other batch (5s): wait for the third reset
        world.prometheus.awaitQuery("resets(claude_code_cost_usage_USD_total{session_id=\"collide\"}[1h]) > 2",
                java.time.Duration.ofSeconds(90));
        CheckResult r = run(bundled("clients"), ctx());
        assertStatus(Status.FAIL, r, "laptop: ", "alice@example.com (2.1.328, claude-code)",
                "studio: bob@example.com (2.1.328, claude-code-desktop)", "session collide on laptop",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative");
    }

    // 2. Synthetic round trip

    @Test
    void roundTripSeesTheProbeInPrometheusAndLoki() {
        for (String protocol : List.of("grpc", "http/protobuf")) {
            CheckResult r = run(bundled("synthetic-round-trip"), Contexts.of(world)
                    .otlp(world.collector.grpcEndpoint(), world.collector.httpEndpoint(), protocol).build());
            assertStatus(Status.PASS, r, "accepted by the collector over " + protocol, "Prometheus ", "Loki ");
        }
        // Through the real collector: the probe's series carry its own service name, never claude-code's.
        String probes = world.prometheus.get("/api/v1/query?query=" + java.net.URLEncoder.encode(
                "count by (exported_job) (migrate_probe_total)", java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(probes.contains("\"exported_job\":\"migrate-probe\"") && !probes.contains("claude-code"), probes);
    }

    @Test
    void roundTripFailsWhenTheCollectorDropsLogs() {
        // A double on purpose: a collector that accepts OTLP and forwards nothing, which the real one does not do on demand.
        try (var lonely = new dev.migrate.testsupport.OtlpReceiverDouble()) {
            CheckResult r = run(check("""
                    - name: rt
                      kind: otlp-round-trip
                      timeout: 4s
                      poll: 250ms
                    """), Contexts.of(world).otlp(lonely.grpcEndpoint(), lonely.httpEndpoint(), "grpc").build());
            assertStatus(Status.FAIL, r, "accepted by the collector", "not seen within", "Prometheus (migrate_probe_total");
        }
    }

    @Test
    void roundTripFailsWhenTheVipIsNotOtlp() {
        CheckResult r = run(check("""
                - name: rt
                  kind: otlp-round-trip
                  timeout: 4s
                """), Contexts.of(world).otlp(world.grafana.url(), world.grafana.url(), "http/protobuf").build());
        assertStatus(Status.FAIL, r, "export of the probe", "404");
    }

    @Test
    void roundTripWithoutPrometheusOrLokiIsInconclusive() {
        CheckResult r = run(bundled("synthetic-round-trip"), new Contexts.Builder()
                .otlp(world.collector.grpcEndpoint(), world.collector.httpEndpoint(), "grpc").build());
        assertStatus(Status.INCONCLUSIVE, r, "accepted by the collector", "--prometheus-url");
    }

    // 3. Scrape target

    @Test
    void scrapeTargetUp() {
        assertStatus(Status.PASS, run(bundled("scrape-target"), ctx()), "2 target(s) up", "/metrics up");
    }

    @Test
    void scrapeTargetDownShowsTheLastError() {
        CheckResult r = run(check("- name: st\n  kind: scrape-target\n  job: broken-collector\n"), ctx());
        assertStatus(Status.FAIL, r, "500", "0.0.0.0:8889");
    }

    /**
     * A target Prometheus has discovered but not yet scraped (a new pod, a reloaded configuration) is
     * "unknown": not yet known, not broken. A double, because a real Prometheus leaves that state at
     * its first scrape, at a moment the test cannot pick.
     */
    @Test
    void aTargetNotScrapedYetIsInconclusiveNotABrokenPort() {
        try (FakeHttpServer prometheus = FakeHttpServer.start()) {
            prometheus.on("/api/v1/targets", Reply.json("{\"status\":\"success\",\"data\":{\"activeTargets\":["
                    + "{\"labels\":{\"job\":\"otel-collector\"},\"scrapeUrl\":\"http://10.244.0.6:8889/metrics\","
                    + "\"lastError\":\"\",\"health\":\"unknown\"},"
                    + "{\"labels\":{\"job\":\"otel-collector\"},\"scrapeUrl\":\"http://10.244.0.6:8888/metrics\","
                    + "\"lastError\":\"\",\"health\":\"up\"}],\"droppedTargets\":[]}}"));
            CheckResult r = run(bundled("scrape-target"), new Contexts.Builder().prometheus(prometheus.url()).build());
            assertStatus(Status.INCONCLUSIVE, r, "http://10.244.0.6:8889/metrics unknown",
                    "discovered http://10.244.0.6:8889/metrics but not scraped it yet", "after one scrape interval");
        }
    }

    @Test
    void scrapeTargetMissingNamesTheServiceMonitor() {
        CheckResult r = run(check("- name: st\n  kind: scrape-target\n  job: nope\n"), ctx());
        assertStatus(Status.FAIL, r, "no active target with job=\"nope\"", "serviceMonitorSelector");
    }

    // 4. Metric names

    @Test
    void metricNamesPassAndReportDesktopSeries() {
        CheckResult r = run(bundled("metric-names"), ctx());
        // optional: lines and edit decisions (PipelineWorld's sessions), commits and pull requests (Telemetry2026's);
        // the legacy _count_total name is not sent by any client of the world
        assertStatus(Status.PASS, r, "claude_code_cost_usage_USD_total", "exported_job=\"claude-code-desktop\"",
                "optional present: 4/5");
    }

    @Test
    void unsuffixedNamesAreFlaggedAsAddMetricSuffixesFalse() {
        CheckResult r = run(check("""
                - name: mn
                  kind: metric-names
                  match: other_code_.+
                  required: [other_code_cost_usage_USD_total, other_code_session_count_total]
                """), ctx());
        assertStatus(Status.FAIL, r, "other_code_cost_usage", "add_metric_suffixes: false");
    }

    @Test
    void missingRequiredNameFails() {
        CheckResult r = run(check("""
                - name: mn
                  kind: metric-names
                  required: [claude_code_cost_usage_USD_total, claude_code_renamed_total]
                """), ctx());
        assertStatus(Status.FAIL, r, "missing: claude_code_renamed_total");
    }

    @Test
    void noClaudeCodeMetricsAtAllIsInconclusive() {
        CheckResult r = run(check("""
                - name: mn
                  kind: metric-names
                  match: nobody_.+
                  required: [nobody_cost_usage_USD_total]
                """), ctx());
        assertStatus(Status.INCONCLUSIVE, r, "client-env");
    }

    // 5. Real client data

    @Test
    void clientDataPresent() {
        // PipelineWorld's sessions plus Telemetry2026's clock-driven ones (a new one every 5 s per user)
        CheckResult r = run(bundled("client-data"), ctx());
        assertStatus(Status.PASS, r, "claude_code_cost_usage_USD_total: ");
        assertTrue(r.observed().matches(".*claude_code_cost_usage_USD_total: ([3-9]|[1-9]\\d+) session\\(s\\).*"), r.observed());
    }

    @Test
    void noClientDataIsInconclusiveWithTheHint() {
        CheckResult r = run(check("- name: cd\n  kind: client-data\n  series: [nobody_cost_USD_total]\n"), ctx());
        assertStatus(Status.INCONCLUSIVE, r, "run a Claude Code session with these settings", "migrate client-env");
    }

    @Test
    void partialClientDataFails() {
        CheckResult r = run(check("- name: cd\n  kind: client-data\n  series: [claude_code_cost_usage_USD_total, nobody_total]\n"), ctx());
        assertStatus(Status.FAIL, r, "none of nobody_total");
    }

    // 6. Loki events and config

    @Test
    void lokiEventsCountedPerEventNameAndDesktopReported() {
        CheckResult r = run(bundled("loki-events"), ctx());
        assertStatus(Status.PASS, r, "api_request=4", "tool_result=3", "api_error=1",
                "claude-code-desktop (24 records)");
    }

    @Test
    void onlyDesktopEventsIsInconclusiveAndSaysSo() {
        try (LokiDouble loki = new LokiDouble()) {
            loki.addEvent("claude-code-desktop", "api_request", Instant.now().minusSeconds(30));
            CheckResult r = run(bundled("loki-events"), Contexts.of(world).loki(loki.url()).build());
            assertStatus(Status.INCONCLUSIVE, r, "0 records", "claude-code-desktop");
        }
    }

    @Test
    void noEventsIsInconclusive() {
        try (LokiDouble loki = new LokiDouble()) {
            assertStatus(Status.INCONCLUSIVE, run(bundled("loki-events"), Contexts.of(world).loki(loki.url()).build()),
                    "no Claude Code events");
        }
    }

    @Test
    void eventsWithoutStructuredMetadataFail() {
        try (LokiDouble loki = new LokiDouble()) {
            loki.add(Map.of("service_name", "claude-code"), Instant.now().minusSeconds(30), "{\"event.name\":\"api_request\"}", Map.of());
            assertStatus(Status.FAIL, run(bundled("loki-events"), Contexts.of(world).loki(loki.url()).build()),
                    "without an event_name", "otlp_http");
        }
    }

    @Test
    void lokiAnswering400IsAFailureWithLokisMessage() {
        try (FakeHttpServer fake = FakeHttpServer.start()) {
            fake.on("/loki/api/v1/query_range", Reply.text(400, "parse error at line 1, col 27: syntax error: unexpected by"));
            CheckResult r = run(bundled("loki-events"), Contexts.of(world).loki(fake.url()).build());
            assertStatus(Status.FAIL, r, "HTTP 400", "parse error", "rejected the query");
        }
    }

    @Test
    void lokiConfigAllowsStructuredMetadata() {
        assertStatus(Status.PASS, run(bundled("loki-config"), ctx()), "allow_structured_metadata=true", "v13 on tsdb");
    }

    @Test
    void lokiConfigWithoutStructuredMetadataFails() {
        try (LokiDouble loki = new LokiDouble()) {
            loki.config(LokiDouble.CONFIG.replace("allow_structured_metadata: true", "allow_structured_metadata: false"));
            assertStatus(Status.FAIL, run(bundled("loki-config"), Contexts.of(world).loki(loki.url()).build()),
                    "allow_structured_metadata=false", "event_name");
            loki.config(LokiDouble.CONFIG.replace("schema: v13", "schema: v12"));
            assertStatus(Status.FAIL, run(bundled("loki-config"), Contexts.of(world).loki(loki.url()).build()),
                    "schema v12", "v13");
        }
    }

    // 7. Dashboard

    @Test
    void dashboardExistsAndEveryPanelQueryRuns() {
        CheckResult r = run(bundled("dashboard"), ctx());
        assertStatus(Status.PASS, r, "4/4 queries");
    }

    @Test
    void theRenderedDashboardPassesOnTheRealChain() {
        // its edit panels read {__name__=~"claude_code_code_edit_tool_decision(_count)?_total"}: either name will do
        world.awaitRecorded(); // the recorded panels read only what the recording group wrote
        CheckResult r = run(bundled("dashboard"), Contexts.of(world).dashboard(dev.migrate.testsupport.Rendered.bundle().dashboardJson()).build());
        // the check's wording since the LogQL panels are run too: "N/N queries of test dashboard run (P PromQL, L LogQL)"
        assertStatus(Status.PASS, r, "every panel returned data");
        assertTrue(r.observed().matches(".*; (\\d+)/\\1 queries of test dashboard run \\(\\d+ PromQL, \\d+ LogQL\\).*"), r.observed());
    }

    @Test
    void dashboardMissingFails() {
        CheckResult r = run(check("- name: d\n  kind: dashboard\n  uid: other\n"), ctx());
        assertStatus(Status.FAIL, r, "no dashboard with UID other", "grafana_dashboard");
    }

    @Test
    void missingDatasourceFails() {
        try (FakeHttpServer grafana = FakeHttpServer.start()) {
            grafana.on("/api/dashboards/uid/claude-code", Reply.json("{\"dashboard\":{\"uid\":\"claude-code\",\"panels\":[]},\"meta\":{}}"))
                    .on("/api/datasources/uid/prometheus", Reply.json("{\"uid\":\"prometheus\",\"name\":\"Prometheus\",\"type\":\"prometheus\"}"))
                    .on("/api/datasources/uid/loki", Reply.text(404, "{\"message\":\"Data source not found\"}"));
            CheckResult r = run(bundled("dashboard"), Contexts.of(world).grafana(grafana.url()).build());
            assertStatus(Status.FAIL, r, "missing datasource UID(s): loki", "loki-datasource-uid");
        }
    }

    @Test
    void brokenPanelQueryFailsNamingThePanel() {
        String broken = PipelineWorld.DASHBOARD.replace("sum(claude_code_commit_count_total)", "sum(claude_code_commit_count_total");
        CheckResult r = run(bundled("dashboard"), Contexts.of(world).dashboard(broken).build());
        assertStatus(Status.FAIL, r, "panel 'Commits'", "bad_data", "3/4 queries");
    }

    @Test
    void renamedMetricInAPanelFails() {
        String renamed = PipelineWorld.DASHBOARD.replace("claude_code_token_usage_tokens_total", "claude_code_token_usage_total");
        CheckResult r = run(bundled("dashboard"), Contexts.of(world).dashboard(renamed).build());
        assertStatus(Status.FAIL, r, "claude_code_token_usage_total", "renamed metric");
    }

    @Test
    void grafanaAnsweringALoginPageFails() {
        try (FakeHttpServer login = FakeHttpServer.start()) {
            login.on("/api/dashboards/uid/claude-code", Reply.html(200));
            CheckResult r = run(bundled("dashboard"), Contexts.of(world).grafana(login.url()).build());
            assertStatus(Status.FAIL, r, "HTML", "--grafana-url");
        }
    }

    // 8. Alert rules and test alert

    @Test
    void alertRulesLoaded() {
        assertStatus(Status.PASS, run(bundled("alert-rules"), ctx()), "3 group(s) loaded", "OtelCollectorAbsent",
                "claude_code:cost_usd:increment");
    }

    /** A PrometheusRule from before the recording rules (or one a user edited): the panels would read nothing. */
    @Test
    void aMissingRecordingRuleFails() {
        CheckResult r = run(check("- name: ar\n  kind: alert-rules\n  groups: [claude-code-recording]\n"
                + "  records: [claude_code:cost_usd:increment, claude_code:cost:increase]\n"), ctx());
        assertStatus(Status.FAIL, r, "missing rules: claude_code:cost:increase", "migrate deploy");
    }

    @Test
    void missingRuleGroupFails() {
        CheckResult r = run(check("- name: ar\n  kind: alert-rules\n  groups: [claude-code-spend, claude-code-tokens]\n"), ctx());
        assertStatus(Status.FAIL, r, "missing: claude-code-tokens", "ruleSelector");
    }

    /** The live objects prometheus-operator reads, as verify's cluster edge gives them (HomelabFailureModesTest has the real ones). */
    record LiveObjects(Optional<ClusterStatus.MonitorPorts> ports, List<ClusterStatus.PrometheusRules> rules) implements ClusterStatus {
        @Override
        public Collector collector(String namespace) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<MonitorPorts> monitorPorts(String namespace, String name) {
            return ports;
        }

        @Override
        public List<PrometheusRules> prometheusRules(String namespace) {
            return rules;
        }
    }

    @Test
    void aServiceMonitorPortTheServiceLacksFailsEvenWithAnotherTargetUp() {
        var ports = new ClusterStatus.MonitorPorts(List.of("metrics", "telemetry"), List.of("otlp-grpc", "prometheus", "telemetry"));
        CheckResult r = run(bundled("scrape-target"), Contexts.of(world).cluster(new LiveObjects(Optional.of(ports), List.of())).build());
        assertStatus(Status.FAIL, r, "2 active target(s)", "port(s) ['metrics'] match no port name of Service otel-collector",
                "'prometheus'", "migrate deploy");
    }

    @Test
    void aRejectedPrometheusRuleIsNamedWithTheRuleThatDoesNotParse() {
        var rules = new ClusterStatus.PrometheusRules("claude-code-alerts", List.of(
                new ClusterStatus.Rule("claude-code-tokens", "TokensHigh", "sum(claude_code_token_usage_tokens_total) > 5"),
                new ClusterStatus.Rule("claude-code-tokens", "TokensVeryHigh", "sum(claude_code_token_usage_tokens_total) > $9")),
                List.of("PrometheusRule claude-code-alerts was rejected due to invalid configuration: invalid rule"));
        CheckResult r = run(check("- name: ar\n  kind: alert-rules\n  groups: [claude-code-spend, claude-code-tokens]\n"),
                Contexts.of(world).cluster(new LiveObjects(Optional.empty(), List.of(rules))).build());
        assertStatus(Status.FAIL, r, "missing: claude-code-tokens", "PrometheusRule monitoring/claude-code-alerts was rejected",
                "rule TokensVeryHigh (group claude-code-tokens) has an invalid expr: bad_data:", "parse error",
                "edit prometheusrule claude-code-alerts");
    }

    @Test
    void testAlertIsPostedAndReadBackFromTheRealAlertmanager() {
        CheckResult r = run(bundled("test-alert"), Contexts.of(world).testAlert().build());
        assertStatus(Status.PASS, r, "MigrateVerifyTestAlert", "accepted and visible", "state active", "resolved again");
        // a time a person reads, to the second: the clock's nanoseconds are noise in a report line
        assertTrue(r.observed().matches(".*; resolved again at \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"), r.observed());
        String probeId = r.observed().replaceAll(".*probe_id ([0-9a-f-]+).*", "$1");
        var am = new dev.migrate.endpoints.AlertmanagerHttp(Contexts.http("Alertmanager", world.alertmanager.url(), Map.of()));
        assertEquals(List.of(), am.alerts(Map.of("probe_id", probeId)), "resolved, so no longer listed as active");
    }

    @Test
    void testAlertOnlyWhenAsked() {
        assertStatus(Status.SKIPPED, run(bundled("test-alert"), ctx()), "--test-alert");
    }

    @Test
    void testAlertAgainstAnUnreachableAlertmanagerFails() {
        int closed = ManagedProcess.freePort();
        CheckResult r = run(bundled("test-alert"), Contexts.of(world).alertmanager("http://127.0.0.1:" + closed).testAlert().build());
        assertStatus(Status.FAIL, r, "unreachable", "--alertmanager-url");
    }

    // 9. Cluster side

    @Test
    void clusterSkippedWithoutContext() {
        assertStatus(Status.SKIPPED, run(bundled("cluster"), ctx()), "--context");
    }

    @Test
    void clusterPassesAndFails() {
        record Fake(ClusterStatus.Collector c) implements ClusterStatus {
            @Override
            public Collector collector(String namespace) {
                return c;
            }

            @Override
            public Optional<MonitorPorts> monitorPorts(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public java.util.List<PrometheusRules> prometheusRules(String namespace) {
                return java.util.List.of();
            }
        }
        ClusterStatus.Collector good = new ClusterStatus.Collector(true, true, 1, 1, 0, Optional.of("10.10.30.22"));
        assertStatus(Status.PASS, run(bundled("cluster"), Contexts.of(world).cluster(new Fake(good)).build()), "1/1 ready");
        assertStatus(Status.FAIL, run(bundled("cluster"), Contexts.of(world).cluster(new Fake(
                new ClusterStatus.Collector(true, false, 0, 1, 0, Optional.of("10.10.30.22")))).build()), "not available");
        assertStatus(Status.FAIL, run(bundled("cluster"), Contexts.of(world).cluster(new Fake(
                new ClusterStatus.Collector(true, true, 1, 1, 3, Optional.of("10.10.30.22")))).build()), "3 restart(s)", "OOMKilled");
        assertStatus(Status.FAIL, run(bundled("cluster"), Contexts.of(world).cluster(new Fake(
                new ClusterStatus.Collector(true, true, 1, 1, 0, Optional.empty()))).build()), "did not get the VIP");
        assertStatus(Status.FAIL, run(bundled("cluster"), Contexts.of(world).cluster(new Fake(
                new ClusterStatus.Collector(false, false, 0, 0, 0, Optional.empty()))).build()), "migrate deploy");
    }

    // Missing endpoints are skipped with the flag to give, never failed

    @Test
    void checksNeedingAMissingEndpointAreSkipped() {
        CheckContext none = new Contexts.Builder().build();
        for (String name : List.of("scrape-target", "metric-names", "client-data", "clients", "loki-events", "loki-config", "dashboard",
                "alert-rules")) {
            CheckResult r = run(bundled(name), none);
            assertEquals(Status.SKIPPED, r.status(), r.toString());
            assertTrue(r.cause().matches("needs \\w+: give --\\w+-url"), r.cause());
        }
    }

    @Test
    void prometheusStatusErrorAndEmptyResultsAreHandled() {
        try (FakeHttpServer fake = FakeHttpServer.start()) {
            fake.on("/api/v1/targets", Reply.json("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}"))
                    .on("/api/v1/rules", Reply.json("{\"status\":\"success\",\"data\":{\"groups\":[]}}"))
                    .on("/api/v1/label/session_id/values", Reply.json("{\"status\":\"success\",\"data\":[]}"))
                    .on("/api/v1/label/__name__/values", Reply.json("{\"status\":\"success\",\"data\":[]}"));
            CheckContext c = Contexts.of(world).prometheus(fake.url()).build();
            assertStatus(Status.FAIL, run(bundled("scrape-target"), c), "TSDB not ready", "could not run the query");
            assertStatus(Status.FAIL, run(bundled("alert-rules"), c), "loaded groups: none");
            assertStatus(Status.INCONCLUSIVE, run(bundled("client-data"), c), "no series");
        }
    }
}
