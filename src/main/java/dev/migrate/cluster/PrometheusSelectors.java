package dev.migrate.cluster;

import java.util.Map;

/**
 * The selectors of one live Prometheus object (prometheus-operator API, monitoring.coreos.com/v1).
 * A null selector is the field left unset, which prometheus-operator reads differently per field:
 * a null serviceMonitorSelector / ruleSelector selects no objects; a null namespace selector
 * selects the Prometheus object's own namespace only. An empty {} selects everything.
 */
public record PrometheusSelectors(String namespace, String name, LabelSelector serviceMonitorSelector,
                                  LabelSelector serviceMonitorNamespaceSelector, LabelSelector ruleSelector,
                                  LabelSelector ruleNamespaceSelector) {

    public static PrometheusSelectors fromTree(Map<String, Object> obj) {
        Object spec = obj.get("spec");
        return new PrometheusSelectors(Trees.text(obj, "metadata", "namespace"), Trees.text(obj, "metadata", "name"),
                LabelSelector.fromTree(Trees.at(spec, "serviceMonitorSelector")),
                LabelSelector.fromTree(Trees.at(spec, "serviceMonitorNamespaceSelector")),
                LabelSelector.fromTree(Trees.at(spec, "ruleSelector")),
                LabelSelector.fromTree(Trees.at(spec, "ruleNamespaceSelector")));
    }

    public String id() {
        return namespace + "/" + name;
    }
}
