package dev.migrate.deploy;

import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.Condition;
import dev.migrate.cluster.DeploymentStatus;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits for a Deployment the way {@code kubectl rollout status} does: the controller has observed
 * the newest generation, every desired replica is updated, no old replica is left, and every
 * updated replica is available. Fails at once on Progressing=False reason ProgressDeadlineExceeded.
 * (fabric8's waitUntilReady alone does not prove the new version rolled out.)
 */
public final class RolloutWaitStep {
    static final String DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    private final Cluster cluster;
    private final Poller poller;

    RolloutWaitStep(Cluster cluster, Poller poller) {
        this.cluster = cluster;
        this.poller = poller;
    }

    /**
     * @param applied the Deployment as its apply was answered (empty: none): the first look, so one
     *                that is already rolled out needs no read. A changed spec is answered with a new
     *                generation the controller has not observed yet, so that look says wait.
     */
    public CheckResult run(String namespace, String name, Instant deadline, Map<String, Object> applied) {
        String id = "Deployment/" + namespace + "/" + name;
        String check = "rollout " + id;
        AtomicReference<Map<String, Object>> first = new AtomicReference<>(applied.isEmpty() ? null : applied);
        return poller.poll("rollout of " + id, deadline, () -> {
            Map<String, Object> given = first.getAndSet(null);
            return look(check, namespace, name, given != null ? Optional.of(DeploymentStatus.fromTree(given))
                    : cluster.deploymentStatus(namespace, name));
        }, lastState -> {
            Optional<PodTrouble> pod = podTrouble(namespace, name);
            return CheckResult.fail(check, "not rolled out before the timeout: " + lastState
                            + pod.map(p -> "; " + p.describe()).orElse(""),
                    "pods are not becoming available (image pull, crash loop, failing probes, no capacity)",
                    pod.map(p -> p.fix(namespace)).orElse("kubectl -n " + namespace + " describe deployment " + name
                            + "; kubectl -n " + namespace + " get pods; then re-run deploy (or raise --timeout)"));
        });
    }

    /** The not-ready pod and why, read only once the rollout has failed; empty when the cluster cannot say. */
    private Optional<PodTrouble> podTrouble(String namespace, String name) {
        try {
            return PodTrouble.find(cluster, namespace, name);
        } catch (RuntimeException e) {
            return Optional.empty(); // the failure stands without the pod's detail
        }
    }

    private Poller.Look look(String check, String namespace, String name, Optional<DeploymentStatus> found) {
        if (found.isEmpty()) {
            return Poller.Look.waiting("Deployment not found yet");
        }
        DeploymentStatus d = found.get();
        if (d.observedGeneration() < d.generation()) {
            return Poller.Look.waiting("waiting for the deployment spec update to be observed (generation "
                    + d.generation() + ", observed " + d.observedGeneration() + ")");
        }
        Optional<Condition> progressing = d.condition("Progressing");
        if (progressing.isPresent() && DEADLINE_EXCEEDED.equals(progressing.get().reason())) {
            // The controller's verdict, with the pod's own reason; the Deployment does not roll back, so
            // the previous version's pods (if any) keep running.
            Optional<PodTrouble> pod = podTrouble(namespace, name);
            String previous = d.replicas() > d.updatedReplicas() && d.availableReplicas() > 0
                    ? "; " + d.availableReplicas() + " pod(s) of the previous version keep running" : "";
            return Poller.Look.done(CheckResult.fail(check, "condition Progressing=" + progressing.get().status()
                            + " reason " + DEADLINE_EXCEEDED + ": " + progressing.get().message()
                            + pod.map(p -> "; " + p.describe()).orElse("") + previous,
                    "the Deployment exceeded its progress deadline: new pods never became available",
                    pod.map(p -> p.fix(namespace)).orElse("kubectl -n " + namespace + " describe deployment " + name
                            + " and fix what its pods report (image, probes, resources), then re-run deploy")));
        }
        if (d.updatedReplicas() < d.desired()) {
            return Poller.Look.waiting(d.updatedReplicas() + " out of " + d.desired() + " new replicas have been updated");
        }
        if (d.replicas() > d.updatedReplicas()) {
            return Poller.Look.waiting((d.replicas() - d.updatedReplicas()) + " old replicas are pending termination");
        }
        if (d.availableReplicas() < d.updatedReplicas()) {
            return Poller.Look.waiting(d.availableReplicas() + " of " + d.updatedReplicas() + " updated replicas are available"
                    + d.condition("Available").filter(c -> !"True".equals(c.status()))
                    .map(c -> " (condition Available=" + c.status() + " reason " + c.reason() + ")").orElse(""));
        }
        return Poller.Look.done(CheckResult.pass(check, "successfully rolled out: " + d.availableReplicas() + "/"
                + d.desired() + " available, generation " + d.generation()));
    }
}
