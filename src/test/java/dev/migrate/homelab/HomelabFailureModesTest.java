package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.Laptop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes wrong on a real homelab, on the homelab in a box: the real prometheus-operator decides
 * what Prometheus scrapes, not migrate's own selector code.
 */
class HomelabFailureModesTest {
    static HomelabWorld world;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        world = HomelabWorld.start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    /**
     * kube-prometheus-stack installed as release "kps": its Prometheus selects release=kps.
     * deploy's preflight refuses and names the selector; forced past it, the operator really
     * generates no job for the collector, and verify's scrape-target check says why.
     */
    @Test
    void aPrometheusSelectingAnotherReleaseGetsNoJobForTheCollector() {
        world.prometheusSelects(Map.of("release", "kps"), Map.of("release", "kps"));
        try {
            Laptop laptop = new Laptop(tmp);
            laptop.settings("kubeconfig: " + world.userKubeconfig(laptop.home()) + "\ncontext: " + HomelabWorld.CONTEXT + "\n");

            Laptop.Run refused = laptop.migrate(5, "deploy");
            assertEquals(ExitCodes.FAILED, refused.exitCode(), refused.all()); // a failed preflight is exit 1 (docs/deploy.md)
            assertTrue(refused.all().contains("prometheus-selects") && refused.all().contains("kps"), refused.all());
            assertTrue(world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").get() == null,
                    "a refused deploy applies nothing");

            Laptop.Run forced = laptop.migrate(5, "deploy", "--skip-check", "prometheus-selects");
            assertEquals(ExitCodes.OK, forced.exitCode(), forced.all() + world.logs());
            // The operator has read the ServiceMonitor (it exists now) and still writes no job for it.
            SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> world.prometheus().reloads() > 0
                    && reconciled(), () -> "the operator did not reconcile:\n" + world.logs());
            assertFalse(world.prometheus().config().contains("serviceMonitor/monitoring/otel-collector"), world.prometheus().config());

            Laptop.Run verify = laptop.migrate(5, "verify", "--only", "scrape-target");
            assertEquals(ExitCodes.FAILED, verify.exitCode(), verify.all());
            assertTrue(verify.out().contains("FAIL") && verify.out().contains("serviceMonitorSelector"), verify.out());
        } finally {
            world.prometheusSelects(Map.of("release", "prometheus"), Map.of("release", "prometheus"));
        }
    }

    /** The operator's own word that it has processed the Prometheus object as it is now. */
    @SuppressWarnings("unchecked")
    private static boolean reconciled() {
        var p = world.admin().genericKubernetesResources("monitoring.coreos.com/v1", "Prometheus").inNamespace(HomelabWorld.NS)
                .withName(HomelabWorld.PROMETHEUS).get();
        Object status = p.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof java.util.List<?> conditions)) {
            return false;
        }
        return conditions.stream().map(c -> (Map<String, Object>) c).anyMatch(c -> "Reconciled".equals(c.get("type"))
                && "True".equals(c.get("status"))
                && p.getMetadata().getGeneration().equals(((Number) c.getOrDefault("observedGeneration", -1)).longValue()));
    }
}
