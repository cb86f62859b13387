package dev.migrate.bundle;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.Json;
import dev.migrate.settings.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Bundles for rule tests: the real rendered default bundle, and copies of it with one thing
 * changed (the collector config, the dashboard, or one object), as a user's file would.
 */
public final class TestBundles {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private TestBundles() {
    }

    public static Settings settings() {
        return Settings.defaults();
    }

    /** The built-in bundle with default settings. */
    public static Bundle defaults() {
        return BundleRenderer.render(settings());
    }

    public static Bundle withCollectorText(String text) {
        Bundle b = defaults();
        return new Bundle(b.objects(), text, "test-collector.yaml", b.dashboardJson(), b.dashboardOrigin());
    }

    public static Bundle withDashboardText(String text) {
        Bundle b = defaults();
        return new Bundle(b.objects(), b.collectorConfig(), b.collectorOrigin(), text, "test-dashboard.json");
    }

    /** The built-in collector config, changed by {@code edit} and written back as YAML. */
    public static Bundle withCollector(Consumer<ObjectNode> edit) {
        try {
            ObjectNode config = (ObjectNode) Json.YAML.readTree(defaults().collectorConfig());
            edit.accept(config);
            return withCollectorText(Json.YAML.writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built-in dashboard, changed by {@code edit}. */
    public static Bundle withDashboard(Consumer<ObjectNode> edit) {
        try {
            ObjectNode dashboard = (ObjectNode) Json.MAPPER.readTree(defaults().dashboardJson());
            edit.accept(dashboard);
            return withDashboardText(Json.MAPPER.writeValueAsString(dashboard));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default bundle with every object of {@code kind} changed by {@code edit}. */
    public static Bundle withObject(String kind, Consumer<ObjectNode> edit) {
        Bundle b = defaults();
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestObject o : b.objects()) {
            if (o.kind().equals(kind)) {
                ObjectNode body = Json.MAPPER.valueToTree(o.body());
                edit.accept(body);
                o = new ManifestObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), Json.MAPPER.convertValue(body, MAP));
            }
            objects.add(o);
        }
        return new Bundle(objects, b.collectorConfig(), b.collectorOrigin(), b.dashboardJson(), b.dashboardOrigin());
    }

    /** The default bundle without any object of {@code kind}. */
    public static Bundle without(String kind) {
        Bundle b = defaults();
        return new Bundle(b.objects().stream().filter(o -> !o.kind().equals(kind)).toList(), b.collectorConfig(),
                b.collectorOrigin(), b.dashboardJson(), b.dashboardOrigin());
    }

    /** The first object of a kind as a tree. */
    public static JsonNode object(Bundle bundle, String kind) {
        return bundle.objects().stream().filter(o -> o.kind().equals(kind)).findFirst()
                .map(o -> (JsonNode) Json.MAPPER.valueToTree(o.body()))
                .orElseThrow(() -> new AssertionError("no " + kind + " in the bundle"));
    }
}
