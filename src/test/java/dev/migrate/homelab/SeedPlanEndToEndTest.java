package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.DockerdProcess;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.Laptop;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's plan, in order, against a homelab in a box ({@link HomelabWorld}: the real
 * kube-apiserver, controllers, scheduler, kwok, prometheus-operator, Prometheus 3, collector and
 * Alertmanager), on the settings a user has: the kubeconfig and the context, every other setting
 * the built-in default (the VIP 10.10.30.22, namespace monitoring, release prometheus, the
 * in-cluster Service names reached through the API server).
 * <p>
 * Two departures, each because a test cannot wait for or share what a user's machine has:
 * <ul>
 *   <li>the soak observes 1 minute every 10 s instead of 24 h every 60 s (soak-duration and
 *       soak-interval in migrate.yaml, so every step runs with the same settings digest);</li>
 *   <li>retire checks only port 3030 (Grafana's) for being free afterwards: the laptop and the
 *       cluster share this box's network, so the cluster collector's 0.0.0.0:4317/4318/8889 and
 *       Prometheus's 9090 are taken here, which on a real laptop they are not.</li>
 * </ul>
 * The telemetry is sent by {@link ClaudeCodeClient} (the synthetic client shaped like Claude Code's
 * exporters) to the endpoint client-env prints; the sender is one line, swappable for the real
 * Claude Code client's harness.
 */
class SeedPlanEndToEndTest {
    static HomelabWorld world;
    static DockerdProcess dockerd;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        world = HomelabWorld.start();
        System.out.println("homelab world started:\n" + world.startupReport());
        dockerd = DockerdProcess.start();
        dockerd.importBusybox(ComposeFixture.IMAGE);
    }

    @AfterAll
    static void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    void theSeedsPlanFromDeployToACompleteMigration() throws Exception {
        long started = System.nanoTime();
        Laptop laptop = new Laptop(tmp).env("DOCKER_HOST", dockerd.host());
        Path kubeconfig = world.userKubeconfig(laptop.home());
        laptop.settings("kubeconfig: " + kubeconfig + "\ncontext: " + HomelabWorld.CONTEXT + "\n"
                + "soak-duration: 1m\nsoak-interval: 10s\n");
        // The old stack on the laptop: the compose project claude-monitoring with its two named volumes.
        Path compose = ComposeFixture.up(dockerd, tmp, "claude-monitoring", ComposeFixture.stack());
        ComposeFixture.writeFiles(dockerd, compose, "claude-prometheus", "/prometheus", 64);

        // 1. deploy: preflight on the real operator's CRs, server-side apply, the rollout as the real
        //    Deployment controller and kwok report it, the VIP from LB IPAM.
        Laptop.Run deploy = laptop.migrate(5, "deploy");
        assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all() + world.logs());
        assertTrue(deploy.out().contains(HomelabWorld.VIP), deploy.out());
        Deployment d = world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").get();
        assertEquals(1, d.getStatus().getAvailableReplicas(), "the real Deployment controller saw the kwok pod Ready");
        assertTrue(d.getStatus().getConditions().stream().anyMatch(c -> "NewReplicaSetAvailable".equals(c.getReason())),
                d.getStatus().toString());
        // The operator, not migrate, turned the ServiceMonitor and the PrometheusRule into Prometheus's config.
        awaitTrue(Duration.ofSeconds(60), () -> world.prometheus().config().contains("serviceMonitor/monitoring/otel-collector/0")
                && world.prometheus().ruleFiles().keySet().stream().anyMatch(k -> k.contains("otel-collector")),
                () -> "the operator's config:\n" + world.prometheus().config() + "\nrule files: " + world.prometheus().ruleFiles().keySet());

        // 2. client-env: what the user pastes into their shell.
        Laptop.Run env = laptop.migrate(2, "client-env", "--machine-name", "laptop");
        assertEquals(ExitCodes.OK, env.exitCode(), env.all());
        String endpoint = value(env.out(), "OTEL_EXPORTER_OTLP_ENDPOINT");
        assertEquals("http://" + HomelabWorld.VIP + ":4317", endpoint, env.out());
        String protocol = value(env.out(), "OTEL_EXPORTER_OTLP_PROTOCOL");

        // 3. the client sends to the VIP; the collector behind it is the one kwok's pod "runs".
        awaitTrue(Duration.ofSeconds(60), () -> world.collector() != null && world.collector().status("/") == 200,
                () -> "no collector is running for the collector pod");
        try (ClaudeCodeClient client = new ClaudeCodeClient(endpoint, protocol, "claude-code", "laptop")) {
            client.sessionStarted("s-1").cost("s-1", 0.42, "claude-sonnet-4-5").tokens("s-1", "input", 1200, "claude-sonnet-4-5")
                    .event("s-1", "api_request", java.util.Map.of("model", "claude-sonnet-4-5", "cost_usd", "0.42"));
            client.export();
        }
        awaitTrue(Duration.ofSeconds(90), () -> world.prometheus().process().get(
                        "/api/v1/query?query=claude_code_cost_usage_USD_total%7Bjob%3D%22otel-collector%22%7D").contains("0.42"),
                () -> "Prometheus never scraped the client's cost through the operator's job: "
                        + world.prometheus().process().get("/api/v1/targets"));

        // 4. verify: every check through the API server's service proxy, on the operator's target and rules.
        Laptop.Run verify = laptop.migrate(5, "verify");
        assertEquals(ExitCodes.OK, verify.exitCode(), verify.all() + world.logs());

        // 5. soak (1 minute here).
        Laptop.Run soak = laptop.migrate(5, "soak");
        assertEquals(ExitCodes.OK, soak.exitCode(), soak.all());

        // 6. retire the old stack: archived, then removed.
        Laptop.Run retire = laptop.migrate(5, "retire", "--yes", "--ports", "3030");
        assertEquals(ExitCodes.OK, retire.exitCode(), retire.all());
        assertTrue(ComposeFixture.containerNames(dockerd, "claude-monitoring").isEmpty(), retire.all());
        try (var archives = Files.list(laptop.home().resolve("migrate-backups"))) {
            assertTrue(archives.findAny().isPresent(), "the volumes were archived under ~/migrate-backups");
        }

        // 7. record, 8. backport, 9. status.
        Laptop.Run record = laptop.migrate(2, "record", "--out", "record");
        assertEquals(ExitCodes.OK, record.exitCode(), record.all());
        Laptop.Run backport = laptop.migrate(2, "backport", "--out", "backport");
        assertEquals(ExitCodes.OK, backport.exitCode(), backport.all());
        Laptop.Run status = laptop.migrate(2, "status");
        assertEquals(ExitCodes.OK, status.exitCode(), status.all());
        assertTrue(status.out().contains("the migration is complete"), status.out());
        System.out.printf("seed plan end to end: %d s (world start-up not included)%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private static String value(String shellText, String name) {
        Matcher m = Pattern.compile("export " + name + "=['\"]?([^'\"\\s]+)").matcher(shellText);
        assertTrue(m.find(), name + " is not in client-env's output:\n" + shellText);
        return m.group(1);
    }

    static void awaitTrue(Duration limit, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> why) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + limit + ": " + why.get());
    }
}
