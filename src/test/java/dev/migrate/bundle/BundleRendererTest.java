package dev.migrate.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BundleRendererTest {
    @TempDir
    Path dir;

    private static final Settings DEFAULTS = Settings.defaults();

    private static JsonNode tree(ManifestObject o) {
        return Json.MAPPER.valueToTree(o.body());
    }

    @Test
    void objectsComeInApplyOrder() {
        List<String> ids = TestBundles.defaults().objects().stream().map(ManifestObject::id).toList();
        assertEquals(List.of("ConfigMap/monitoring/otel-collector-config", "Deployment/monitoring/otel-collector",
                "Service/monitoring/otel-collector", "ServiceMonitor/monitoring/otel-collector",
                "PrometheusRule/monitoring/claude-code-alerts", "ConfigMap/monitoring/claude-code-dashboard"), ids);
    }

    @Test
    void everyObjectIsLabelledAsOursAndLivesInTheConfiguredNamespace() {
        Settings s = DEFAULTS.with(Map.of("namespace", "observability"));
        for (ManifestObject o : BundleRenderer.render(s).objects()) {
            JsonNode meta = tree(o).get("metadata");
            assertEquals("observability", o.namespace());
            assertEquals("observability", meta.get("namespace").asText(), o.id());
            assertEquals(ManifestObject.MANAGED_BY_VALUE, meta.at("/labels/" + ManifestObject.MANAGED_BY_LABEL.replace("/", "~1")).asText(), o.id());
            assertEquals(ManifestObject.PART_OF_VALUE, meta.at("/labels/" + ManifestObject.PART_OF_LABEL.replace("/", "~1")).asText(), o.id());
        }
    }

    @Test
    void serviceRequestsTheVipAndAdmitsOnlyTrustedNetworks() {
        Settings s = DEFAULTS.with(Map.of("vip", "10.10.30.40", "trusted-cidrs", "10.10.0.0/16,192.168.1.0/24"));
        JsonNode service = TestBundles.object(BundleRenderer.render(s), "Service");
        assertEquals("10.10.30.40", service.at("/metadata/annotations/lbipam.cilium.io~1ips").asText());
        assertEquals("LoadBalancer", service.at("/spec/type").asText());
        assertEquals("[\"10.10.0.0/16\",\"192.168.1.0/24\"]", service.at("/spec/loadBalancerSourceRanges").toString());
        List<String> ports = new ArrayList<>();
        service.at("/spec/ports").forEach(p -> ports.add(p.get("name").asText() + ":" + p.get("port").asInt()));
        assertEquals(List.of("otlp-grpc:4317", "otlp-http:4318", "prometheus:8889", "telemetry:8888"), ports);
        assertEquals("otel-collector", service.at("/metadata/name").asText(), "up{job=\"otel-collector\"} needs this name");
    }

    @Test
    void configMapIsGeneratedFromTheCollectorFileNotACopy() throws Exception {
        Bundle b = TestBundles.defaults();
        String source = Files.readString(Path.of("collector/config.yaml"));
        assertEquals(source, b.collectorConfig());
        assertEquals(source, tree(b.objects().get(0)).at("/data/config.yaml").asText());
        assertEquals(BundleRenderer.sha256(source),
                TestBundles.object(b, "Deployment").at("/spec/template/metadata/annotations/checksum~1config").asText());
    }

    @Test
    void changingTheCollectorConfigChangesThePodTemplateChecksum() throws Exception {
        Path own = dir.resolve("collector.yaml");
        Files.writeString(own, Files.readString(Path.of("collector/config.yaml")).replace("limit_mib: ${env:MEMORY_LIMIT_MIB}", "limit_mib: 500"));
        Bundle mine = BundleRenderer.render(DEFAULTS.with(Map.of("collector-config", own.toString())));
        String before = TestBundles.object(TestBundles.defaults(), "Deployment").at("/spec/template/metadata/annotations/checksum~1config").asText();
        String after = TestBundles.object(mine, "Deployment").at("/spec/template/metadata/annotations/checksum~1config").asText();
        assertNotEquals(before, after);
        assertEquals(own.toString(), mine.collectorOrigin());
        assertTrue(tree(mine.objects().get(0)).at("/data/config.yaml").asText().contains("limit_mib: 500"));
    }

    @Test
    void deploymentIsPinnedHardenedAndProbedOnTheHealthCheck() {
        Settings s = DEFAULTS.with(Map.of("collector-image", "otel/opentelemetry-collector-contrib:0.150.0",
                "loki-otlp-endpoint", "http://loki-gateway.logging:80/otlp"));
        JsonNode d = TestBundles.object(BundleRenderer.render(s), "Deployment");
        JsonNode c = d.at("/spec/template/spec/containers/0");
        assertEquals(1, d.at("/spec/replicas").asInt());
        assertEquals("otel/opentelemetry-collector-contrib:0.150.0", c.get("image").asText());
        assertEquals("100m/128Mi/500m/1Gi", c.at("/resources/requests/cpu").asText() + "/" + c.at("/resources/requests/memory").asText()
                + "/" + c.at("/resources/limits/cpu").asText() + "/" + c.at("/resources/limits/memory").asText());
        assertEquals("health", c.at("/livenessProbe/httpGet/port").asText());
        assertEquals("health", c.at("/readinessProbe/httpGet/port").asText());
        assertTrue(c.get("ports").toString().contains("{\"name\":\"health\",\"containerPort\":13133"), c.get("ports").toString());
        assertTrue(c.at("/securityContext/runAsNonRoot").asBoolean());
        assertEquals(10001, c.at("/securityContext/runAsUser").asInt());
        assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
        assertEquals("[\"ALL\"]", c.at("/securityContext/capabilities/drop").toString());
        assertEquals("{\"name\":\"LOKI_OTLP_ENDPOINT\",\"value\":\"http://loki-gateway.logging:80/otlp\"}", c.at("/env/0").toString());
    }

    @Test
    void theCollectorsMemoryIsDerivedFromOneSetting() {
        JsonNode c = TestBundles.object(BundleRenderer.render(DEFAULTS.with(Map.of("collector-memory-limit", "2Gi"))), "Deployment")
                .at("/spec/template/spec/containers/0");
        assertEquals("2Gi", c.at("/resources/limits/memory").asText());
        // 70% of 2048 for the limiter (spike 20% of it), 80% for Go's GC: the kernel's limit stays above both.
        assertEquals("{LOKI_OTLP_ENDPOINT=http://loki.monitoring.svc.cluster.local:3100/otlp, MEMORY_LIMIT_MIB=1433, "
                + "MEMORY_SPIKE_LIMIT_MIB=286, GOMEMLIMIT=1638MiB}", env(c).toString());
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    @Test
    void settingValuesCannotInjectStructure() {
        // A newline cannot reach the renderer at all (settings refuse control characters); quotes and braces can.
        Settings s = DEFAULTS.with(Map.of("loki-otlp-endpoint", "http://x:3100/otlp\", evil: true}"));
        JsonNode c = TestBundles.object(BundleRenderer.render(s), "Deployment").at("/spec/template/spec/containers/0");
        assertEquals("http://x:3100/otlp\", evil: true}", c.at("/env/0/value").asText());
        assertTrue(c.path("evil").isMissingNode());
    }

    @Test
    void monitorsAndRulesCarryTheReleaseLabelAndTheSpendThreshold() {
        Settings s = DEFAULTS.with(Map.of("prometheus-release", "kps", "daily-spend-alert-usd", "25"));
        Bundle b = BundleRenderer.render(s);
        JsonNode monitor = TestBundles.object(b, "ServiceMonitor");
        assertEquals("kps", monitor.at("/metadata/labels/release").asText());
        assertEquals("prometheus", monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertEquals("15s", monitor.at("/spec/endpoints/0/interval").asText());
        JsonNode rule = TestBundles.object(b, "PrometheusRule");
        assertEquals("kps", rule.at("/metadata/labels/release").asText());
        JsonNode dailySpend = null;
        for (JsonNode g : rule.at("/spec/groups")) {
            for (JsonNode r : g.path("rules")) {
                if (r.path("alert").asText().equals("ClaudeCodeDailySpendHigh")) {
                    dailySpend = r;
                }
            }
        }
        assertTrue(dailySpend != null, "the daily spend alert is in the PrometheusRule: " + rule);
        String expr = dailySpend.path("expr").asText().trim();
        assertTrue(expr.endsWith("> 25"), expr);
        assertTrue(dailySpend.at("/annotations/summary").asText().contains("$25"));
        assertTrue(dailySpend.at("/annotations/description").asText().contains("{{ $value"),
                "Prometheus's own templates pass through untouched");
    }

    @Test
    void dashboardGetsTheClusterDatasourcesAndKeepsGrafanaLegends() throws Exception {
        Settings s = DEFAULTS.with(Map.of("prometheus-datasource-uid", "prom-main", "loki-datasource-uid", "loki-main"));
        Bundle b = BundleRenderer.render(s);
        assertFalse(b.dashboardJson().contains("{{prometheus-datasource-uid}}"));
        assertTrue(b.dashboardJson().contains("\"uid\" : \"prom-main\"") || b.dashboardJson().contains("\"uid\": \"prom-main\""));
        assertTrue(b.dashboardJson().contains("\"legendFormat\": \"{{model}}\""), "Grafana legend templates survive");
        JsonNode cm = tree(b.objects().get(5));
        assertEquals("1", cm.at("/metadata/labels/grafana_dashboard").asText());
        assertEquals("Claude Code", cm.at("/metadata/annotations/grafana_folder").asText());
        assertEquals(b.dashboardJson(), cm.at("/data/claude-code.json").asText());

        JsonNode dashboard = Json.MAPPER.readTree(b.dashboardJson());
        List<String> rows = new ArrayList<>();
        int panels = 0;
        for (JsonNode p : dashboard.get("panels")) {
            if (p.get("type").asText().equals("row")) {
                rows.add(p.get("title").asText());
            } else {
                panels++;
                assertFalse(p.path("description").asText().isBlank(), "panel " + p.get("title") + " explains its query");
            }
        }
        // the seed's seven sections in their order, then the two added for the 2026 telemetry
        assertEquals(List.of("Overview", "Productivity", "Sessions", "Trends", "Cost Analysis", "Performance",
                "Token & Efficiency", "Agents & extensions", "Security"), rows);
        assertEquals(77, panels);
    }

    @Test
    void dashboardAndAlertsUseExactlyThePrometheusNamesTheCollectorProduces() {
        // Claude Code's OTLP names -> Prometheus names after the collector (unit and _total suffixes kept)
        Set<String> known = Set.of("claude_code_session_count_total", "claude_code_cost_usage_USD_total",
                "claude_code_token_usage_tokens_total", "claude_code_active_time_seconds_total",
                "claude_code_commit_count_total", "claude_code_pull_request_count_total",
                "claude_code_lines_of_code_count_total", "claude_code_code_edit_tool_decision_total",
                // the same metric from clients sending unit "count" (read by a name regex)
                "claude_code_code_edit_tool_decision_count_total");
        Bundle b = TestBundles.defaults();
        String text = (b.dashboardJson() + TestBundles.object(b, "PrometheusRule").toString()).replace(
                "claude_code_code_edit_tool_decision(_count)?_total",
                "claude_code_code_edit_tool_decision_total claude_code_code_edit_tool_decision_count_total");
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("claude_code_[A-Za-z_]+").matcher(text);
        while (m.find()) {
            used.add(m.group());
        }
        assertEquals(new TreeSet<>(known), used, "every metric used, and nothing else");
    }

    @Test
    void ownDashboardFileIsUsedVerbatimApartFromPlaceholders() throws Exception {
        Path own = dir.resolve("dash.json");
        Files.writeString(own, "{\"title\":\"Mine\",\"panels\":[{\"type\":\"stat\",\"title\":\"x\","
                + "\"datasource\":{\"type\":\"prometheus\",\"uid\":\"{{prometheus-datasource-uid}}\"}}]}");
        Bundle b = BundleRenderer.render(DEFAULTS.with(Map.of("dashboard", own.toString())));
        assertEquals(own.toString(), b.dashboardOrigin());
        assertTrue(b.dashboardJson().contains("\"title\":\"Mine\"") && b.dashboardJson().contains("\"uid\":\"prometheus\""));
    }

    @Test
    void missingOwnFileIsAOneLineUserError() {
        Settings s = DEFAULTS.with(Map.of("collector-config", dir.resolve("nope.yaml").toString()));
        UserError e = assertThrows(UserError.class, () -> BundleRenderer.render(s));
        assertTrue(e.getMessage().startsWith("collector-config: ") && e.getMessage().contains("nope.yaml does not exist"), e.getMessage());
    }

    @Test
    void renderedObjectsAreReadOnly() {
        ManifestObject o = TestBundles.defaults().objects().get(1);
        assertThrows(UnsupportedOperationException.class, () -> o.body().put("spec", Map.of()));
    }

    @Test
    void builtInBundlePassesEveryRule() {
        List<CheckResult> results = BundleValidator.validate(TestBundles.defaults(), DEFAULTS);
        assertEquals(BundleValidator.RULES.size(), results.size());
        assertEquals(results.size(), results.stream().map(CheckResult::name).distinct().count(), "rule names are unique");
        results.forEach(r -> assertEquals(dev.migrate.checks.Status.PASS, r.status(), r.toString()));
    }
}
