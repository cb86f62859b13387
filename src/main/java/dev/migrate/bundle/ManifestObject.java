package dev.migrate.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.Json;

import java.util.Map;

/**
 * One Kubernetes object of the bundle, exactly as it will be applied.
 *
 * @param apiVersion e.g. apps/v1, monitoring.coreos.com/v1
 * @param kind       e.g. Deployment, ServiceMonitor
 * @param namespace  the namespace it lives in
 * @param name       metadata.name
 * @param body       the whole object (apiVersion, kind, metadata, spec, data ...) as a JSON tree of
 *                   maps, lists and scalars; never mutated after rendering
 */
public record ManifestObject(String apiVersion, String kind, String namespace, String name, Map<String, Object> body) {
    /** Labels every object we manage carries, so the tool (and the operator) can tell what is ours. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "migrate";
    public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
    public static final String PART_OF_VALUE = "claude-code-monitoring";

    private static final ObjectMapper COMPACT = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    /** "sha256:" and the hex digest of the body as compact JSON: what deploy records and `migrate record` compares. */
    public String digest() {
        try {
            return BundleRenderer.sha256(COMPACT.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendered objects are always serialisable", e);
        }
    }

    /** kind/namespace/name, as kubectl prints it. */
    public String id() {
        return kind + "/" + namespace + "/" + name;
    }
}
