package dev.migrate.cluster;

import dev.migrate.checks.ClusterStatus;

import java.util.Map;
import java.util.Optional;

/**
 * Verify's view of the collector in the cluster, read through the {@link Cluster} edge: the
 * Deployment's availability, restarts of its current pods, and the Service's ingress address.
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
}
