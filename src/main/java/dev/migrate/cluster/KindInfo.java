package dev.migrate.cluster;

import java.util.Locale;
import java.util.Map;

/**
 * Where a kind lives in the REST API: group, version, plural resource name, and whether it is
 * namespaced. A fixed table of the kinds this tool touches, so no discovery round-trip is needed
 * and the RBAC check can name the exact resource; other kinds get the usual lower-case plural.
 */
public record KindInfo(String group, String version, String kind, String plural, boolean namespaced) {
    private static final Map<String, String> PLURALS = Map.ofEntries(
            Map.entry("ConfigMap", "configmaps"), Map.entry("Secret", "secrets"),
            Map.entry("Service", "services"), Map.entry("Deployment", "deployments"),
            Map.entry("ServiceMonitor", "servicemonitors"), Map.entry("PrometheusRule", "prometheusrules"),
            Map.entry("Prometheus", "prometheuses"), Map.entry("Lease", "leases"),
            Map.entry("Namespace", "namespaces"), Map.entry("CustomResourceDefinition", "customresourcedefinitions"),
            Map.entry("CiliumLoadBalancerIPPool", "ciliumloadbalancerippools"),
            Map.entry("ServiceAccount", "serviceaccounts"), Map.entry("NetworkPolicy", "networkpolicies"));
    private static final java.util.Set<String> CLUSTER_SCOPED = java.util.Set.of(
            "Namespace", "CustomResourceDefinition", "CiliumLoadBalancerIPPool", "ClusterRole", "ClusterRoleBinding");

    public static KindInfo of(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String plural = PLURALS.getOrDefault(kind, kind.toLowerCase(Locale.ROOT) + "s");
        return new KindInfo(group, version, kind, plural, !CLUSTER_SCOPED.contains(kind));
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** plural.group as kubectl and RBAC name it, e.g. servicemonitors.monitoring.coreos.com. */
    public String resourceName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
