package dev.migrate.bundle;

import dev.migrate.Digests;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.Json;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders collector/ + manifests/ + the effective settings into the {@link Bundle}. Pure: reads only
 * files (the built-in data in the jar, or the operator's --collector-config / --dashboard), never the
 * network, so a dry-run is this plus the rules.
 */
public final class BundleRenderer {
    public static final String COLLECTOR_CONFIG = "collector/config.yaml";
    public static final String DASHBOARD = "manifests/dashboard/claude-code.json";
    /** Data key of the collector config in its ConfigMap; the Deployment mounts it at /conf/config.yaml. */
    public static final String COLLECTOR_CONFIG_KEY = "config.yaml";
    /** Pod-template annotation holding the collector config's SHA-256, so a config change rolls the pods. */
    public static final String CHECKSUM_ANNOTATION = "checksum/config";

    /** The templates, in apply order: config, workload, Service, then monitors, rules and dashboard. */
    static final List<String> TEMPLATES = List.of(
            "manifests/collector-configmap.yaml",
            "manifests/deployment.yaml",
            "manifests/service.yaml",
            "manifests/servicemonitor.yaml",
            "manifests/prometheusrule.yaml",
            "manifests/dashboard-configmap.yaml");

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private BundleRenderer() {
    }

    public static Bundle render(Settings settings) {
        DataFiles.Loaded collector = DataFiles.read(settings.collectorConfig(), COLLECTOR_CONFIG, "collector-config");
        DataFiles.Loaded dashboard = DataFiles.read(settings.dashboard(), DASHBOARD, "dashboard");
        // Only the two datasource placeholders are replaced in the dashboard: its legends use
        // Grafana's own {{label}} syntax, which must pass through untouched.
        String dashboardJson = Placeholders.replaceInJsonText(dashboard.text(), Map.of(
                SettingKeys.PROMETHEUS_DATASOURCE_UID.name(), settings.prometheusDatasourceUid(),
                SettingKeys.LOKI_DATASOURCE_UID.name(), settings.lokiDatasourceUid()));

        Map<String, Object> values = new LinkedHashMap<>();
        SettingKeys.ALL.forEach(key -> values.put(key.name(), settings.raw(key)));
        values.put(SettingKeys.TRUSTED_CIDRS.name(), settings.trustedCidrs());
        values.put("collector-config", collector.text());
        values.put("config-checksum", sha256(collector.text()));
        values.put("dashboard-json", dashboardJson);

        List<ManifestObject> objects = new ArrayList<>();
        for (String template : TEMPLATES) {
            objects.add(renderOne(template, values, settings.namespace()));
        }
        return new Bundle(objects, collector.text(), collector.origin(), dashboardJson, dashboard.origin());
    }

    @SuppressWarnings("unchecked")
    private static ManifestObject renderOne(String template, Map<String, Object> values, String namespace) {
        Map<String, Object> body;
        try {
            body = Json.YAML.readValue(DataFiles.bundled(template), OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("built-in template " + template + " is not valid YAML; rebuild the jar", e);
        }
        body = (Map<String, Object>) Placeholders.replace(body, values, template);
        // name, namespace, then the rest, as kubectl prints it
        Map<String, Object> fromTemplate = (Map<String, Object>) body.getOrDefault("metadata", Map.of());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", fromTemplate.get("name"));
        metadata.put("namespace", namespace);
        fromTemplate.forEach(metadata::putIfAbsent);
        body.put("metadata", metadata);
        Map<String, Object> labels = (Map<String, Object>) metadata.computeIfAbsent("labels", k -> new LinkedHashMap<>());
        labels.put(ManifestObject.MANAGED_BY_LABEL, ManifestObject.MANAGED_BY_VALUE);
        labels.put(ManifestObject.PART_OF_LABEL, ManifestObject.PART_OF_VALUE);
        return new ManifestObject((String) body.get("apiVersion"), (String) body.get("kind"), namespace,
                (String) metadata.get("name"), (Map<String, Object>) freeze(body));
    }

    /** A deep read-only copy, so no rule or printer can change what will be applied. */
    @SuppressWarnings("unchecked")
    private static Object freeze(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(freeze(v)));
            return Collections.unmodifiableList(copy);
        }
        return node;
    }

    /** "sha256:" plus the hex digest of the text. */
    public static String sha256(String text) {
        return "sha256:" + Digests.sha256Hex(text);
    }
}
