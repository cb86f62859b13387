package dev.migrate.bundle;

import dev.migrate.Digests;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.Json;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.CollectorMemory;
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

    /** Loki ruler rules: rendered only when the loki-ruler setting is true. */
    static final String LOKI_RULES = "manifests/loki-rules-configmap.yaml";
    /** The PrometheusRule group that exists only when the business-hours setting is set. */
    static final String BUSINESS_HOURS_GROUP = "claude-code-business-hours";

    /** The templates, in apply order: config, workload, Service, then monitors, rules and dashboard. */
    static final List<String> TEMPLATES = List.of(
            "manifests/collector-configmap.yaml",
            "manifests/deployment.yaml",
            "manifests/service.yaml",
            "manifests/servicemonitor.yaml",
            "manifests/prometheusrule.yaml",
            "manifests/dashboard-configmap.yaml",
            LOKI_RULES);

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private BundleRenderer() {
    }

    public static Bundle render(Settings settings) {
        DataFiles.Loaded collector = DataFiles.read(settings.collectorConfig(), COLLECTOR_CONFIG, "collector-config");
        DataFiles.Loaded dashboard = DataFiles.read(settings.dashboard(), DASHBOARD, "dashboard");
        String dashboardJson = dashboardJson(settings, dashboard.text());

        Map<String, Object> values = new LinkedHashMap<>();
        SettingKeys.ALL.forEach(key -> values.put(key.name(), settings.raw(key)));
        values.put(SettingKeys.TRUSTED_CIDRS.name(), settings.trustedCidrs());
        values.put("collector-config", collector.text());
        values.put("config-checksum", sha256(collector.text()));
        values.put("dashboard-json", dashboardJson);
        int[] hours = settings.businessHours().orElse(new int[] {0, 0});
        int[] days = settings.businessDays();
        values.put("business-hours-start", hours[0]);
        values.put("business-hours-end", hours[1]);
        values.put("business-days-first", days[0]);
        values.put("business-days-last", days[1]);
        CollectorMemory memory = settings.collectorMemory(); // env values are strings in a pod spec
        values.put("collector-limit-mib", String.valueOf(memory.limitMib()));
        values.put("collector-spike-limit-mib", String.valueOf(memory.spikeMib()));
        values.put("collector-gomemlimit", memory.goMemLimit());

        List<ManifestObject> objects = new ArrayList<>();
        for (String template : TEMPLATES) {
            if (template.equals(LOKI_RULES) && !settings.lokiRuler()) {
                continue; // optional: only with loki-ruler: true (docs/telemetry.md, "The alerts", says how to load it by hand otherwise)
            }
            ManifestObject o = renderOne(template, values, settings.namespace());
            if (o.kind().equals("PrometheusRule") && settings.businessHours().isEmpty()) {
                o = withoutGroup(o, BUSINESS_HOURS_GROUP);
            }
            objects.add(o);
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

    /**
     * The dashboard as deployed: only the datasource UIDs, the billing day and the recording interval (the
     * minimum step of the panels that read recorded increments) are replaced, because its
     * legends use Grafana's own {{label}} syntax, which must pass through untouched.
     */
    public static String dashboardJson(Settings settings, String text) {
        return Placeholders.replaceInJsonText(text, Map.of(
                SettingKeys.PROMETHEUS_DATASOURCE_UID.name(), settings.prometheusDatasourceUid(),
                SettingKeys.LOKI_DATASOURCE_UID.name(), settings.lokiDatasourceUid(),
                SettingKeys.BILLING_DAY.name(), settings.raw(SettingKeys.BILLING_DAY),
                SettingKeys.RECORDING_INTERVAL.name(), settings.recordingInterval()));
    }

    @SuppressWarnings("unchecked")
    private static ManifestObject withoutGroup(ManifestObject o, String group) {
        Map<String, Object> body = new LinkedHashMap<>(o.body());
        Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) body.get("spec"));
        List<Object> groups = new ArrayList<>((List<Object>) spec.get("groups"));
        groups.removeIf(g -> group.equals(((Map<String, Object>) g).get("name")));
        spec.put("groups", groups);
        body.put("spec", spec);
        return new ManifestObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), (Map<String, Object>) freeze(body));
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
