package dev.migrate.backport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.bundle.BundleValidator;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.util.List;
import java.util.Map;

/**
 * The two renders the backport is made from, both by the bundle's own renderer: {@code compose}
 * with Compose networking (Loki at {@link #LOKI_OTLP_ENDPOINT}, the Grafana datasource UIDs the
 * Compose provisioning declares), checked by every bundle rule; and {@code kubernetes}, the bundle
 * exactly as `migrate deploy` would apply it, for docs/kubernetes.md.
 *
 * @param clientEnv what `migrate client-env` prints for the cluster's VIP (for docs/kubernetes.md)
 */
public record BackportSources(Settings settings, Settings composeSettings, Bundle compose, List<CheckResult> bundleRules,
                              Bundle kubernetes, String clientEnv) {
    /** Compose networking: the Loki service is named loki. */
    public static final String LOKI_OTLP_ENDPOINT = "http://loki:3100/otlp";
    /** The UIDs the Compose Grafana provisioning gives its two datasources. */
    public static final String PROMETHEUS_UID = "prometheus";
    public static final String LOKI_UID = "loki";

    public static BackportSources of(Settings settings, String clientEnv) {
        Settings compose = settings.with(Map.of(
                SettingKeys.LOKI_OTLP_ENDPOINT.name(), LOKI_OTLP_ENDPOINT,
                SettingKeys.PROMETHEUS_DATASOURCE_UID.name(), PROMETHEUS_UID,
                SettingKeys.LOKI_DATASOURCE_UID.name(), LOKI_UID));
        Bundle composeBundle = BundleRenderer.render(compose);
        return new BackportSources(settings, compose, composeBundle, BundleValidator.validate(composeBundle, compose),
                BundleRenderer.render(settings), clientEnv);
    }

    public String project() {
        return settings.composeProject();
    }

    /** The first object of a kind in the Compose render, as a JSON tree. */
    public JsonNode composeObject(String kind) {
        return compose.objects().stream().filter(o -> o.kind().equals(kind)).findFirst()
                .map(ManifestObject::body).map(b -> (JsonNode) Json.MAPPER.valueToTree(b))
                .orElseThrow(() -> new IllegalStateException("the bundle has no " + kind));
    }

    /** The collector container of the rendered Deployment. */
    public JsonNode collectorContainer() {
        return composeObject("Deployment").path("spec").path("template").path("spec").path("containers").path(0);
    }

    /** The collector's container port with this name (e.g. prometheus -> 8889). */
    public int containerPort(String name) {
        for (JsonNode p : collectorContainer().path("ports")) {
            if (p.path("name").asText().equals(name)) {
                return p.path("containerPort").asInt();
            }
        }
        throw new IllegalStateException("the collector container has no port named " + name);
    }
}
