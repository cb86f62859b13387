package dev.migrate.checks;

import java.util.Optional;

/**
 * What verify asks the cluster about the collector. The fabric8 implementation lives with the
 * cluster code ({@link dev.migrate.cluster.CollectorStatus}, wired in VerifyCommand); tests use a fake.
 */
public interface ClusterStatus {
    /** The collector's Deployment and Service in {@code namespace}. */
    Collector collector(String namespace);

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
}
