package dev.migrate.cluster;

import dev.migrate.checks.ClusterStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verify's view of the collector in the cluster, read through the {@link Cluster} edge: the
 * Deployment's availability, restarts of its current pods, and the Service's ingress address; and,
 * when Prometheus lacks the collector's target or rules, the objects prometheus-operator made them
 * from (the ServiceMonitor's ports, the PrometheusRules and the operator's events about them).
 */
public final class CollectorStatus implements ClusterStatus {
    /** The names the bundle gives the collector's Deployment and Service (manifests/). */
    public static final String NAME = "otel-collector";
    private static final String NAME_LABEL = "app.kubernetes.io/name";

    private final Cluster cluster;

    public CollectorStatus(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Collector collector(String namespace) {
        Optional<DeploymentStatus> deployment = cluster.deploymentStatus(namespace, NAME);
        boolean available = deployment.flatMap(d -> d.condition("Available"))
                .map(c -> "True".equals(c.status())).orElse(false)
                && deployment.map(d -> d.availableReplicas() >= d.desired()).orElse(false);
        int restarts = 0;
        for (Map<String, Object> pod : cluster.list("v1", "Pod", namespace)) {
            if (NAME.equals(Trees.strings(pod, "metadata", "labels").get(NAME_LABEL))) {
                for (Object container : Trees.list(pod, "status", "containerStatuses")) {
                    restarts += (int) Trees.number(container, "restartCount");
                }
            }
        }
        Optional<String> ingress = cluster.get("v1", "Service", namespace, NAME)
                .map(svc -> Trees.list(svc, "status", "loadBalancer", "ingress"))
                .filter(list -> !list.isEmpty())
                .map(list -> Trees.text(list.get(0), "ip"))
                .filter(ip -> !ip.isEmpty());
        return new Collector(deployment.isPresent(), available,
                deployment.map(d -> (int) d.availableReplicas()).orElse(0),
                deployment.map(d -> (int) d.desired()).orElse(0), restarts, ingress);
    }

    @Override
    public Optional<MonitorPorts> monitorPorts(String namespace, String name) {
        Optional<Map<String, Object>> monitor = cluster.get("monitoring.coreos.com/v1", "ServiceMonitor", namespace, name);
        Optional<Map<String, Object>> service = cluster.get("v1", "Service", namespace, name);
        if (monitor.isEmpty() || service.isEmpty()) {
            return Optional.empty();
        }
        List<String> endpoints = Trees.list(monitor.get(), "spec", "endpoints").stream().map(e -> Trees.text(e, "port"))
                .filter(p -> !p.isEmpty()).toList();
        List<String> ports = Trees.list(service.get(), "spec", "ports").stream().map(p -> Trees.text(p, "name")).toList();
        return Optional.of(new MonitorPorts(endpoints, ports));
    }

    @Override
    public List<PrometheusRules> prometheusRules(String namespace) {
        // prometheus-operator reports a rule it skips with an Event (events.k8s.io, read here as core v1):
        // reason InvalidConfiguration, regarding the PrometheusRule.
        Map<String, List<String>> rejections = new java.util.HashMap<>();
        for (Map<String, Object> e : cluster.list("v1", "Event", namespace)) {
            if ("PrometheusRule".equals(Trees.text(e, "involvedObject", "kind"))
                    && "InvalidConfiguration".equals(Trees.text(e, "reason"))) {
                rejections.computeIfAbsent(Trees.text(e, "involvedObject", "name"), k -> new ArrayList<>())
                        .add(Trees.text(e, "message"));
            }
        }
        List<PrometheusRules> out = new ArrayList<>();
        for (Map<String, Object> pr : cluster.list("monitoring.coreos.com/v1", "PrometheusRule", namespace)) {
            List<Rule> rules = new ArrayList<>();
            for (Object g : Trees.list(pr, "spec", "groups")) {
                for (Object r : Trees.list(g, "rules")) {
                    String ruleName = Trees.text(r, "alert").isEmpty() ? Trees.text(r, "record") : Trees.text(r, "alert");
                    rules.add(new Rule(Trees.text(g, "name"), ruleName, Trees.text(r, "expr")));
                }
            }
            String name = Trees.text(pr, "metadata", "name");
            out.add(new PrometheusRules(name, rules, List.copyOf(rejections.getOrDefault(name, List.of()))));
        }
        return out;
    }
}
