package dev.migrate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan as a value: what it prints is its typed waits, and -o json shows the same words. */
class DeployPlanTest {
    static final DeployPlan PLAN = new DeployPlan("homelab", "https://10.10.30.10:6443", "monitoring", "apply",
            List.of("ConfigMap/monitoring/otel-collector-config", "Deployment/monitoring/otel-collector"), List.of(),
            List.of(new DeployPlan.Rollout("monitoring", "otel-collector"),
                    new DeployPlan.Vip("monitoring", "otel-collector", "10.10.30.22")), "5m");

    @Test
    void thePrintedWaitsAreThePlansTypedWaitsInOrder() {
        String text = PLAN.render();
        assertTrue(text.endsWith("  then wait (timeout 5m):" + System.lineSeparator()
                + "    - rollout of Deployment/monitoring/otel-collector (like kubectl rollout status)" + System.lineSeparator()
                + "    - VIP 10.10.30.22 in .status.loadBalancer.ingress of Service/monitoring/otel-collector"), text);
    }

    @Test
    void jsonShowsWaitsAndActionsAsTheOperatorReadsThem() throws Exception {
        DeployResult result = new DeployResult(0, "passed", "ok", PLAN, List.of(),
                List.of(new ObjectChange("Deployment/monitoring/otel-collector", ObjectChange.Action.WOULD_CHANGE, List.of())),
                List.of());
        JsonNode doc = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(result));
        assertEquals("rollout of Deployment/monitoring/otel-collector (like kubectl rollout status)",
                doc.path("plan").path("waits").path(0).asText(), doc.toString());
        assertEquals("would change", doc.path("changes").path(0).path("action").asText(), doc.toString());
    }
}
