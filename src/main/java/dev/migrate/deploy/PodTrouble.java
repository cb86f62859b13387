package dev.migrate.deploy;

import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.Condition;
import dev.migrate.cluster.Trees;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Why a Deployment's pod is not available, in the pod's own status: the scheduler's reason
 * (Unschedulable, with which nodes refused it), a container waiting (ImagePullBackOff,
 * CrashLoopBackOff) or terminated, or the Ready condition's reason. The Deployment's own
 * conditions only say that it is not progressing; this is what {@code kubectl describe pod} would
 * have shown, so a failed rollout names the cause in one line. Read only when a rollout failed.
 *
 * @param pod     the pod's name
 * @param reason  the most specific reason found, e.g. ImagePullBackOff or Unschedulable
 * @param message the status message that goes with it (may be empty)
 * @param image   the image of the container the reason is about, empty when the reason is the pod's
 */
record PodTrouble(String pod, String reason, String message, String image) {
    private static final Set<String> PULL = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
    /** Waiting reasons of a container that is merely on its way up. */
    private static final Set<String> STARTING = Set.of("ContainerCreating", "PodInitializing");

    String describe() {
        return "pod " + pod + " " + reason + (message.isEmpty() ? "" : ": " + message);
    }

    /** What to do about it; the image setting when the node cannot pull the image. */
    String fix(String namespace) {
        if (PULL.contains(reason)) {
            return "the node cannot pull " + image + ": correct the collector-image setting (or let the node reach that"
                    + " registry), then re-run 'migrate deploy'";
        }
        if ("Unschedulable".equals(reason)) {
            return "no node takes the pod: kubectl get nodes (a Ready, schedulable node with room for the pod's requests),"
                    + " then re-run 'migrate deploy'";
        }
        if ("CrashLoopBackOff".equals(reason) || "Error".equals(reason) || "OOMKilled".equals(reason)) {
            return "kubectl -n " + namespace + " logs " + pod + " --previous shows why the collector exits; fix it, then"
                    + " re-run 'migrate deploy'";
        }
        return "kubectl -n " + namespace + " describe pod " + pod + " and fix what it reports, then re-run 'migrate deploy'";
    }

    /** The newest pod of {@code deployment} that is not Ready, and why; empty when every pod is Ready or none is found. */
    static Optional<PodTrouble> find(Cluster cluster, String namespace, String deployment) {
        Map<String, String> selector = cluster.get("apps/v1", "Deployment", namespace, deployment)
                .map(d -> Trees.strings(d, "spec", "selector", "matchLabels")).orElse(Map.of());
        if (selector.isEmpty()) {
            return Optional.empty();
        }
        return cluster.list("v1", "Pod", namespace).stream()
                .filter(p -> Trees.strings(p, "metadata", "labels").entrySet().containsAll(selector.entrySet()))
                .filter(p -> Trees.at(p, "metadata", "deletionTimestamp") == null)
                .filter(p -> !ready(p))
                .max(Comparator.comparing(p -> Trees.text(p, "metadata", "creationTimestamp")))
                .map(PodTrouble::of);
    }

    private static boolean ready(Map<String, Object> pod) {
        return condition(pod, "Ready").map(c -> "True".equals(c.status())).orElse(false);
    }

    private static Optional<Condition> condition(Map<String, Object> pod, String type) {
        return Trees.conditions(pod, "status", "conditions").stream().filter(c -> type.equals(c.type())).findFirst();
    }

    static PodTrouble of(Map<String, Object> pod) {
        String name = Trees.text(pod, "metadata", "name");
        Optional<Condition> scheduled = condition(pod, "PodScheduled");
        if (scheduled.isPresent() && "False".equals(scheduled.get().status())) {
            return new PodTrouble(name, orElse(scheduled.get().reason(), "not scheduled"), scheduled.get().message(), "");
        }
        List<Object> containers = Trees.list(pod, "status", "containerStatuses");
        for (Object c : containers) {
            String waiting = Trees.text(c, "state", "waiting", "reason");
            if (!waiting.isEmpty() && !STARTING.contains(waiting)) {
                String last = Trees.text(c, "lastState", "terminated", "reason");
                String message = Trees.text(c, "state", "waiting", "message");
                if (!last.isEmpty()) {
                    message = (message.isEmpty() ? "" : message + "; ") + "last exit " + last + " (code "
                            + Trees.number(c, "lastState", "terminated", "exitCode") + ")";
                }
                return new PodTrouble(name, waiting, message, Trees.text(c, "image"));
            }
            String terminated = Trees.text(c, "state", "terminated", "reason");
            if (!terminated.isEmpty()) {
                return new PodTrouble(name, terminated, orElse(Trees.text(c, "state", "terminated", "message"),
                        "exit code " + Trees.number(c, "state", "terminated", "exitCode")), Trees.text(c, "image"));
            }
        }
        Optional<Condition> ready = condition(pod, "Ready");
        if (ready.isPresent()) {
            return new PodTrouble(name, orElse(ready.get().reason(), "not Ready"), ready.get().message(), "");
        }
        return new PodTrouble(name, orElse(Trees.text(pod, "status", "phase"), "Pending"), "no status from a kubelet yet", "");
    }

    private static String orElse(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
