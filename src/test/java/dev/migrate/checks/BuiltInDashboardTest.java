package dev.migrate.checks;

import dev.migrate.bundle.BundleRenderer;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in dashboard's every panel against the test world: the PromQL ones on the real Prometheus
 * (PrometheusProcess), the LogQL ones on the Loki double (Loki is AGPL: nothing real may run), with the
 * 2026 telemetry of Telemetry2026 in both. A panel that reads nothing is named in the failure.
 */
class BuiltInDashboardTest {
    static PipelineWorld world;

    @BeforeAll
    static void start() {
        world = new PipelineWorld(3);
        // the one-shot counters of the clock-driven sessions must have been scraped at least twice
        world.prometheus.awaitQuery("count(claude_code_commit_count_total) > 4", java.time.Duration.ofSeconds(30));
        world.prometheus.awaitQuery("resets(claude_code_cost_usage_USD_total{session_id=\"collide\"}[30s]) > 0",
                java.time.Duration.ofSeconds(30));
        world.awaitRecorded(); // the recorded panels read only what the recording group wrote
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void everyPanelOfTheBuiltInDashboardReturnsDataInTheTestWorld() {
        String dashboard = BundleRenderer.render(Settings.defaults()).dashboardJson();
        CheckResult r = Contexts.run(Contexts.bundled("dashboard"), Contexts.of(world).dashboard(dashboard).build());
        assertEquals(Status.PASS, r.status(), r.toString());
        assertTrue(r.observed().contains("every panel returned data"), "panels without data: " + r.observed());
        assertTrue(r.observed().matches(".*; (\\d+)/\\1 queries of test dashboard run \\(\\d+ PromQL, \\d+ LogQL\\).*"),
                r.observed());

        // and a panel whose query reads nothing is named
        CheckResult missing = Contexts.run(Contexts.bundled("dashboard"), Contexts.of(world)
                .dashboard(dashboard.replace("event_name=\\\"skill_activated\\\"", "event_name=\\\"skill_never\\\"")
                ).build());
        assertTrue(missing.observed().endsWith("1 of 77 panels returned no data: Skills activated"), missing.observed());
    }
}
