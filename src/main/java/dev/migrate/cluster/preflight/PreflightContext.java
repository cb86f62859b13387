package dev.migrate.cluster.preflight;

import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Cluster;
import dev.migrate.settings.Settings;

import java.util.List;
import java.util.function.Supplier;

/**
 * What the checks read: the settings, the bundle about to be applied, the cluster, and where Loki's
 * running config comes from (the API server's service proxy, or --loki-url).
 *
 * @param lokiConfig reads Loki's /config as YAML text; may throw {@link dev.migrate.UserError}
 * @param lokiSource how it is read, for messages ("service proxy monitoring/loki:3100" or a URL)
 */
public record PreflightContext(Settings settings, Bundle bundle, Cluster cluster, Supplier<String> lokiConfig,
                               String lokiSource) {

    public List<ManifestObject> objectsOfKind(String kind) {
        return bundle.objects().stream().filter(o -> o.kind().equals(kind)).toList();
    }
}
