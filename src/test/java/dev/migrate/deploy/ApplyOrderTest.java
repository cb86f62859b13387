package dev.migrate.deploy;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Homelab;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** config -> workloads -> Service -> monitors, rules and dashboard, whatever order the bundle came in. */
class ApplyOrderTest {
    @Test
    void sortsIntoTheFixedOrder() {
        List<ManifestObject> shuffled = new ArrayList<>(Homelab.bundle().objects());
        Collections.reverse(shuffled);
        List<String> ids = ApplyOrder.sort(shuffled).stream().map(ManifestObject::id).toList();
        assertEquals(List.of("ConfigMap/monitoring/otel-collector-config", "Deployment/monitoring/otel-collector",
                "Service/monitoring/otel-collector", "ConfigMap/monitoring/claude-code-dashboard",
                "PrometheusRule/monitoring/claude-code", "ServiceMonitor/monitoring/otel-collector"), ids);
    }
}
