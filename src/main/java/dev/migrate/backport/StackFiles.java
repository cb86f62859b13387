package dev.migrate.backport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.data.OutputDirectory.OutputFile;
import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files the Compose services mount, each taken from the Compose render of the bundle: the
 * collector config (byte for byte what the ConfigMap would hold), the Prometheus scrape config (the
 * ServiceMonitor's endpoints as static targets, job = the Service's name as a ServiceMonitor sets
 * it), the alert rules (the PrometheusRule's groups), Grafana's provisioning and the dashboard (the
 * dashboard ConfigMap's JSON), and a Loki config with OTLP ingestion and structured metadata.
 */
public final class StackFiles {
    public static final String COLLECTOR_CONFIG = "collector/config.yaml";
    public static final String PROMETHEUS_CONFIG = "prometheus/prometheus.yml";
    public static final String PROMETHEUS_RULES_DIR = "prometheus/rules";
    public static final String PROMETHEUS_RULES = PROMETHEUS_RULES_DIR + "/claude-code-alerts.yml";
    public static final String GRAFANA_PROVISIONING = "grafana/provisioning";
    public static final String GRAFANA_DATASOURCES = GRAFANA_PROVISIONING + "/datasources/migrate-datasources.yml";
    public static final String GRAFANA_PROVIDER = GRAFANA_PROVISIONING + "/dashboards/migrate-dashboards.yml";
    public static final String GRAFANA_DASHBOARDS = "grafana/dashboards";
    public static final String DASHBOARD = GRAFANA_DASHBOARDS + "/claude-code.json";
    public static final String DASHBOARDS_IN_CONTAINER = "/etc/grafana/dashboards";
    public static final String LOKI_CONFIG = "loki/loki.yaml";

    private StackFiles() {
    }

    public static List<OutputFile> of(BackportSources s) {
        List<OutputFile> files = new ArrayList<>();
        files.add(new OutputFile(COLLECTOR_CONFIG, s.compose().collectorConfig()));
        files.add(new OutputFile(PROMETHEUS_CONFIG, yaml("Prometheus scrape config: the collector's two endpoints, as the"
                + " ServiceMonitor scrapes them in the cluster", prometheus(s))));
        files.add(new OutputFile(PROMETHEUS_RULES, yaml("The bundle's PrometheusRule groups", map("groups",
                s.composeObject("PrometheusRule").path("spec").path("groups")))));
        files.add(new OutputFile(GRAFANA_DATASOURCES, yaml("Datasources with the UIDs the dashboard uses", datasources())));
        files.add(new OutputFile(GRAFANA_PROVIDER, yaml("Loads the dashboard JSON from " + DASHBOARDS_IN_CONTAINER, provider(s))));
        files.add(new OutputFile(DASHBOARD, s.compose().dashboardJson()));
        files.add(new OutputFile(LOKI_CONFIG, yaml("Single-binary Loki: native OTLP ingestion (/otlp/v1/logs),"
                + " structured metadata, TSDB schema v13, retention " + Values.format(s.settings().backportLokiRetention()),
                loki(s))));
        return files;
    }

    private static Map<String, Object> prometheus(BackportSources s) {
        JsonNode monitor = s.composeObject("ServiceMonitor");
        String job = s.composeObject("Service").path("metadata").path("name").asText();
        List<Object> targets = new ArrayList<>();
        String interval = "";
        String path = "/metrics";
        for (JsonNode e : monitor.path("spec").path("endpoints")) {
            interval = interval.isEmpty() ? e.path("interval").asText("") : interval;
            path = e.path("path").asText(path);
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("targets", List.of(OldStack.COLLECTOR + ":" + s.containerPort(e.path("port").asText())));
            group.put("labels", map("endpoint", e.path("port").asText())); // as the operator labels each endpoint
            targets.add(group);
        }
        Map<String, Object> scrape = new LinkedHashMap<>();
        scrape.put("job_name", job);
        if (!interval.isEmpty()) {
            scrape.put("scrape_interval", interval);
        }
        scrape.put("metrics_path", path);
        scrape.put("static_configs", targets);
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("scrape_interval", interval.isEmpty() ? "15s" : interval);
        global.put("evaluation_interval", "15s");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("global", global);
        root.put("rule_files", List.of("/etc/prometheus/rules/*.yml"));
        root.put("scrape_configs", List.of(scrape));
        return root;
    }

    private static Map<String, Object> datasources() {
        Map<String, Object> prometheus = new LinkedHashMap<>();
        prometheus.put("name", "Prometheus");
        prometheus.put("uid", BackportSources.PROMETHEUS_UID);
        prometheus.put("type", "prometheus");
        prometheus.put("access", "proxy");
        prometheus.put("url", "http://" + OldStack.PROMETHEUS + ":9090");
        prometheus.put("isDefault", true);
        Map<String, Object> loki = new LinkedHashMap<>();
        loki.put("name", "Loki");
        loki.put("uid", BackportSources.LOKI_UID);
        loki.put("type", "loki");
        loki.put("access", "proxy");
        loki.put("url", "http://" + ComposeFile.LOKI + ":3100");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", 1);
        root.put("datasources", List.of(prometheus, loki));
        return root;
    }

    private static Map<String, Object> provider(BackportSources s) {
        String folder = "Claude Code";
        for (var o : s.compose().objects()) {
            if (o.kind().equals("ConfigMap") && o.body().get("metadata") instanceof Map<?, ?> md
                    && md.get("annotations") instanceof Map<?, ?> a && a.get("grafana_folder") != null) {
                folder = String.valueOf(a.get("grafana_folder"));
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", "claude-code");
        p.put("folder", folder);
        p.put("type", "file");
        p.put("disableDeletion", true);
        p.put("allowUiUpdates", false);
        p.put("options", map("path", DASHBOARDS_IN_CONTAINER));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", 1);
        root.put("providers", List.of(p));
        return root;
    }

    private static Map<String, Object> loki(BackportSources s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("auth_enabled", false); // single tenant, as the homelab's Loki: no X-Scope-OrgID needed
        root.put("server", map("http_listen_port", 3100, "grpc_listen_port", 9096));
        Map<String, Object> common = new LinkedHashMap<>();
        common.put("instance_addr", "127.0.0.1");
        common.put("path_prefix", "/loki");
        common.put("storage", map("filesystem", map("chunks_directory", "/loki/chunks", "rules_directory", "/loki/rules")));
        common.put("replication_factor", 1);
        common.put("ring", map("kvstore", map("store", "inmemory")));
        root.put("common", common);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("from", "2024-01-01");
        schema.put("store", "tsdb");
        schema.put("object_store", "filesystem");
        schema.put("schema", "v13");
        schema.put("index", map("prefix", "index_", "period", "24h"));
        root.put("schema_config", map("configs", List.of(schema)));
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("allow_structured_metadata", true); // OTLP attributes (event_name, tool_name ...) as structured metadata
        limits.put("retention_period", Values.format(s.settings().backportLokiRetention()));
        root.put("limits_config", limits);
        Map<String, Object> compactor = new LinkedHashMap<>();
        compactor.put("working_directory", "/loki/compactor");
        compactor.put("retention_enabled", true); // retention_period is enforced by the compactor only
        compactor.put("delete_request_store", "filesystem");
        root.put("compactor", compactor);
        root.put("analytics", map("reporting_enabled", false));
        return root;
    }

    /** An ordered map from key, value pairs: the files must come out the same on every run (Map.of has no fixed order). */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String yaml(String comment, Object tree) {
        try {
            return "# " + comment + ". Written by migrate backport.\n" + Json.YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of maps and strings is always YAML", e);
        }
    }

    /** sha256 of a file's text, as the plan prints it. */
    static String digest(OutputFile f) {
        return BundleRenderer.sha256(f.content()).substring(0, 19);
    }
}
