package dev.migrate.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which reason a failed rollout names, from pod statuses as the kubelet and the scheduler write them
 * (the homelab tests see ImagePullBackOff and Unschedulable from the real scheduler and kwok; the
 * shapes here are the ones a real kubelet writes for the rest).
 */
class PodTroubleTest {
    private static Map<String, Object> pod(Map<String, Object> status) {
        return Map.of("metadata", Map.of("name", "otel-collector-abc-x1"), "status", status);
    }

    @Test
    void theSchedulersReasonComesFirst() {
        PodTrouble t = PodTrouble.of(pod(Map.of("phase", "Pending", "conditions", List.of(Map.of("type", "PodScheduled",
                "status", "False", "reason", "Unschedulable", "message", "0/1 nodes are available: 1 Insufficient memory.")))));
        assertEquals("pod otel-collector-abc-x1 Unschedulable: 0/1 nodes are available: 1 Insufficient memory.", t.describe());
        assertTrue(t.fix("monitoring").startsWith("no node takes the pod"), t.fix("monitoring"));
    }

    @Test
    void aCrashLoopNamesTheLastExitAndTheLogsToRead() {
        PodTrouble t = PodTrouble.of(pod(Map.of("conditions", List.of(Map.of("type", "Ready", "status", "False",
                        "reason", "ContainersNotReady")),
                "containerStatuses", List.of(Map.of("image", "otel/opentelemetry-collector-contrib:0.149.0",
                        "state", Map.of("waiting", Map.of("reason", "CrashLoopBackOff", "message", "back-off 40s restarting")),
                        "lastState", Map.of("terminated", Map.of("reason", "Error", "exitCode", 1)))))));
        assertEquals("pod otel-collector-abc-x1 CrashLoopBackOff: back-off 40s restarting; last exit Error (code 1)", t.describe());
        assertEquals("kubectl -n monitoring logs otel-collector-abc-x1 --previous shows why the collector exits; fix it, then"
                + " re-run 'migrate deploy'", t.fix("monitoring"));
    }

    @Test
    void anImageThatCannotBePulledNamesTheImageAndTheSetting() {
        PodTrouble t = PodTrouble.of(pod(Map.of("containerStatuses", List.of(Map.of("image", "example.org/otel:9",
                "state", Map.of("waiting", Map.of("reason", "ErrImagePull", "message", "not found")))))));
        assertTrue(t.fix("monitoring").startsWith("the node cannot pull example.org/otel:9: correct the"
                + " collector-image setting"), t.fix("monitoring"));
    }

    @Test
    void aContainerStillStartingIsNotTheReasonTheReadyConditionIs() {
        PodTrouble t = PodTrouble.of(pod(Map.of("conditions", List.of(Map.of("type", "Ready", "status", "False",
                        "reason", "ContainersNotReady", "message", "containers with unready status: [otel-collector]")),
                "containerStatuses", List.of(Map.of("state", Map.of("waiting", Map.of("reason", "ContainerCreating")))))));
        assertEquals("pod otel-collector-abc-x1 ContainersNotReady: containers with unready status: [otel-collector]", t.describe());
        assertTrue(t.fix("monitoring").startsWith("kubectl -n monitoring describe pod otel-collector-abc-x1"));
    }
}
