package dev.migrate.bundle;

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

    /** kind/namespace/name, as kubectl prints it. */
    public String id() {
        return kind + "/" + namespace + "/" + name;
    }
}
