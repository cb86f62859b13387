package dev.migrate.deploy;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Trees;

import java.util.Comparator;
import java.util.List;

/**
 * The fixed apply order: config, then workloads, then the Service, then what watches them
 * (ServiceMonitor, PrometheusRule, dashboard ConfigMap). The Deployment never starts without its
 * config; Prometheus never scrapes a Service that is not there yet. Stable within a rank.
 */
public final class ApplyOrder {
    /** The label Grafana's dashboard sidecar watches; such ConfigMaps are monitors, not config. */
    static final String DASHBOARD_LABEL = "grafana_dashboard";
    /** The label the Loki chart's rules sidecar watches: alert rules, applied with the monitors. */
    static final String LOKI_RULE_LABEL = "loki_rule";

    private ApplyOrder() {
    }

    public static int rank(ManifestObject o) {
        return switch (o.kind()) {
            case "Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret" -> 0;
            case "ConfigMap" -> Trees.strings(o.body(), "metadata", "labels").containsKey(DASHBOARD_LABEL)
                    || Trees.strings(o.body(), "metadata", "labels").containsKey(LOKI_RULE_LABEL) ? 4 : 1;
            case "Deployment", "StatefulSet", "DaemonSet" -> 2;
            case "Service" -> 3;
            default -> 4;
        };
    }

    public static List<ManifestObject> sort(List<ManifestObject> objects) {
        return objects.stream().sorted(Comparator.comparingInt(ApplyOrder::rank)).toList();
    }
}
