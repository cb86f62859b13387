package dev.migrate.checks;

import java.util.List;
import java.util.Optional;

/**
 * What verify asks the cluster about the collector. The fabric8 implementation lives with the
 * cluster code ({@link dev.migrate.cluster.CollectorStatus}, wired in VerifyCommand); tests use a fake.
 */
public interface ClusterStatus {
    /** The collector's Deployment and Service in {@code namespace}. */
    Collector collector(String namespace);

    /**
     * The ServiceMonitor {@code name}'s endpoint ports beside the port names of the Service {@code name}
     * it is meant to scrape; empty when either object is missing.
     */
    Optional<MonitorPorts> monitorPorts(String namespace, String name);

    /** Every PrometheusRule in {@code namespace}: its rules, and prometheus-operator's word when it rejected it. */
    List<PrometheusRules> prometheusRules(String namespace);

    /**
     * @param deploymentFound  whether the Deployment exists
     * @param available        the Deployment's Available condition is True and ready = desired replicas
     * @param readyReplicas    ready replicas
     * @param desiredReplicas  desired replicas
     * @param restarts         container restarts of the current pods (since the last rollout)
     * @param ingressIp        the Service's .status.loadBalancer.ingress[0].ip, if any
     */
    record Collector(boolean deploymentFound, boolean available, int readyReplicas, int desiredReplicas, int restarts,
                     Optional<String> ingressIp) {
    }

    /**
     * @param endpointPorts the ServiceMonitor's {@code spec.endpoints[].port}
     * @param servicePorts  the Service's {@code spec.ports[].name}
     */
    record MonitorPorts(List<String> endpointPorts, List<String> servicePorts) {
        /** The endpoint ports the Service does not have: prometheus-operator's job keeps no target for them. */
        public List<String> unmatched() {
            return endpointPorts.stream().filter(p -> !servicePorts.contains(p)).toList();
        }
    }

    /**
     * @param name       the PrometheusRule's name
     * @param rules      its rules, in order
     * @param rejections prometheus-operator's InvalidConfiguration events about it, as the operator worded them
     */
    record PrometheusRules(String name, List<Rule> rules, List<String> rejections) {
    }

    /** @param name the alert or record name */
    record Rule(String group, String name, String expr) {
    }
}
