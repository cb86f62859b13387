package dev.migrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.Json;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.settings.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * What {@code migrate deploy} renders, taken from the rendered objects themselves (the ConfigMap's
 * data, the PrometheusRule's spec), so the real servers in the tests run exactly what the bundle
 * ships, whoever changes collector/config.yaml or the rules.
 */
public final class Rendered {
    private Rendered() {
    }

    /**
     * What every test world sets: its Prometheus scrapes every second, and the recording rules run every 5 s (the
     * default, 1m, would keep a panel a minute behind a test that just sent its data; 1 s leaves a busy machine no
     * slack, and an evaluation Prometheus skips loses its interval's growth).
     */
    public static final Map<String, String> WORLD = Map.of("recording-interval", "5s", "recording-query-offset", "5s");
    /** {@link #WORLD}'s recording-query-offset: a recorded sample covers the window that ended this long before it ran. */
    public static final java.time.Duration WORLD_QUERY_OFFSET = java.time.Duration.ofSeconds(5);

    /** The bundle with default settings but {@link #WORLD}. */
    public static Bundle bundle() {
        return BundleRenderer.render(Settings.defaults().with(WORLD));
    }

    /** The bundle with these settings changed (e.g. daily-spend-alert-usd), on top of {@link #WORLD}. */
    public static Bundle bundle(Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(WORLD);
        all.putAll(settings);
        return BundleRenderer.render(Settings.defaults().with(all));
    }

    public static JsonNode object(Bundle bundle, String kind) {
        for (ManifestObject o : bundle.objects()) {
            if (o.kind().equals(kind)) {
                return Json.MAPPER.valueToTree(o.body());
            }
        }
        throw new AssertionError("the rendered bundle has no " + kind);
    }

    /** The collector ConfigMap's config.yaml, byte for byte as deploy applies it. */
    public static String collectorConfig(Bundle bundle) {
        JsonNode data = object(bundle, "ConfigMap").path("data").path(BundleRenderer.COLLECTOR_CONFIG_KEY);
        if (!data.isTextual()) {
            throw new AssertionError("the collector ConfigMap has no data." + BundleRenderer.COLLECTOR_CONFIG_KEY);
        }
        return data.asText();
    }

    public static String collectorConfig() {
        return collectorConfig(bundle());
    }

    /** The PrometheusRule's groups as a Prometheus rule file, as the operator hands them to Prometheus. */
    public static String prometheusRules(Bundle bundle) {
        return prometheusRules(bundle, null);
    }

    /**
     * The same with every rule's {@code for} replaced by {@code forOverride} (e.g. "0s"), for a test
     * that must see an alert fire without waiting minutes; the expressions stay exactly the bundle's.
     */
    public static String prometheusRules(Bundle bundle, String forOverride) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        JsonNode groups = object(bundle, "PrometheusRule").at("/spec/groups").deepCopy();
        if (forOverride != null) {
            groups.forEach(g -> g.path("rules").forEach(r -> {
                if (r.has("for")) {
                    ((ObjectNode) r).put("for", forOverride);
                }
            }));
        }
        doc.set("groups", groups);
        try {
            return Json.YAML.writeValueAsString(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
