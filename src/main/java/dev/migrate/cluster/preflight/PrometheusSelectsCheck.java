package dev.migrate.cluster.preflight;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.LabelSelector;
import dev.migrate.cluster.PrometheusSelectors;
import dev.migrate.cluster.Trees;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The live Prometheus object selects our ServiceMonitor and PrometheusRule, by labels and by
 * namespace, with prometheus-operator's semantics (monitoring.coreos.com/v1 PrometheusSpec):
 * a null serviceMonitorSelector/ruleSelector selects nothing, {} selects everything; a null
 * namespace selector selects only the Prometheus object's own namespace, {} every namespace.
 * kube-prometheus-stack sets {@code release: <release>} unless *SelectorNilUsesHelmValues is false
 * (prometheus-operator #1470, #5917), which is why this reads the live object instead of assuming.
 */
public final class PrometheusSelectsCheck implements PreflightCheck {
    /** The label the API server sets on every namespace (Kubernetes 1.21+). */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public String name() {
        return "prometheus-selects";
    }

    @Override
    public String description() {
        return "the live Prometheus object's selectors pick up our ServiceMonitor and PrometheusRule";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String ns = ctx.settings().namespace();
        List<PrometheusSelectors> proms = ctx.cluster().prometheuses(ns);
        if (proms.isEmpty()) {
            return CheckResult.fail(name(), "no Prometheus object (monitoring.coreos.com/v1) in namespace " + ns,
                    "kube-prometheus-stack's Prometheus is not in this namespace",
                    "pass --namespace with the namespace of kube-prometheus-stack");
        }
        List<String> seen = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        judge(ctx, proms, "ServiceMonitor", PrometheusSelectors::serviceMonitorSelector,
                PrometheusSelectors::serviceMonitorNamespaceSelector, "serviceMonitor", seen, problems, fixes);
        judge(ctx, proms, "PrometheusRule", PrometheusSelectors::ruleSelector,
                PrometheusSelectors::ruleNamespaceSelector, "rule", seen, problems, fixes);
        if (problems.isEmpty()) {
            return CheckResult.pass(name(), String.join("; ", seen));
        }
        return CheckResult.fail(name(), String.join("; ", problems),
                "Prometheus would never load these objects: no scrape of the collector, no alerts",
                String.join("; ", fixes));
    }

    private void judge(PreflightContext ctx, List<PrometheusSelectors> proms, String kind,
                       Function<PrometheusSelectors, LabelSelector> objectSelector,
                       Function<PrometheusSelectors, LabelSelector> namespaceSelector, String field,
                       List<String> seen, List<String> problems, List<String> fixes) {
        for (ManifestObject obj : ctx.objectsOfKind(kind)) {
            Map<String, String> labels = Trees.strings(obj.body(), "metadata", "labels");
            Map<String, String> nsLabels = namespaceLabels(ctx, obj.namespace());
            List<String> why = new ArrayList<>();
            PrometheusSelectors selecting = null;
            for (PrometheusSelectors p : proms) {
                String objProblem = objectProblem(objectSelector.apply(p), labels, field);
                String nsProblem = namespaceProblem(namespaceSelector.apply(p), p.namespace(), obj.namespace(), nsLabels, field);
                if (objProblem == null && nsProblem == null) {
                    selecting = p;
                    break;
                }
                why.add("Prometheus " + p.id() + ": " + (objProblem != null ? objProblem : nsProblem));
            }
            if (selecting != null) {
                seen.add(obj.id() + " selected by Prometheus " + selecting.id());
                continue;
            }
            problems.add(obj.id() + " not selected (" + String.join("; ", why) + ")");
            fixes.add(fix(proms.get(0), objectSelector.apply(proms.get(0)), labels, kind, field));
        }
    }

    private static String objectProblem(LabelSelector sel, Map<String, String> labels, String field) {
        if (sel == null) {
            return field + "Selector is unset, which selects no " + field + " objects";
        }
        if (!sel.matches(labels)) {
            return field + "Selector " + sel + " does not match labels " + labels;
        }
        return null;
    }

    private static String namespaceProblem(LabelSelector sel, String promNs, String objNs, Map<String, String> nsLabels,
                                           String field) {
        if (sel == null) {
            return promNs.equals(objNs) ? null
                    : field + "NamespaceSelector is unset, which selects only namespace " + promNs + ", not " + objNs;
        }
        if (!sel.matches(nsLabels)) {
            return field + "NamespaceSelector " + sel + " does not match namespace " + objNs + " labels " + nsLabels;
        }
        return null;
    }

    private static String fix(PrometheusSelectors p, LabelSelector sel, Map<String, String> labels, String kind, String field) {
        if (sel != null && !sel.matchLabels().isEmpty()) {
            List<String> missing = new ArrayList<>();
            sel.matchLabels().forEach((k, v) -> {
                if (!v.equals(labels.get(k))) {
                    missing.add(k + "=" + v);
                }
            });
            if (!missing.isEmpty()) {
                return "label the " + kind + " with " + String.join(",", missing)
                        + (missing.stream().anyMatch(m -> m.startsWith("release=")) ? " (set prometheus-release: to the Helm release)" : "")
                        + ", or set prometheus.prometheusSpec." + field + "SelectorNilUsesHelmValues=false in kube-prometheus-stack";
            }
        }
        return "make Prometheus " + p.id() + " select the " + kind + ": set prometheus.prometheusSpec." + field
                + "Selector (and its namespace selector) in kube-prometheus-stack's values to match our labels";
    }

    private static Map<String, String> namespaceLabels(PreflightContext ctx, String ns) {
        Map<String, String> labels = new java.util.LinkedHashMap<>(ctx.cluster().get("v1", "Namespace", null, ns)
                .map(n -> Trees.strings(n, "metadata", "labels")).orElse(Map.of()));
        labels.putIfAbsent(NAMESPACE_NAME_LABEL, ns);
        return labels;
    }
}
