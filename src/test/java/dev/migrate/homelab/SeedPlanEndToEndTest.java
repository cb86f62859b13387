package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.DockerdProcess;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.Laptop;
import dev.migrate.testsupport.Telemetry2026;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * <p>
 * The telemetry is sent by {@link ClaudeCodeClient} (the synthetic client shaped like Claude Code's
 * exporters: a CLI over gRPC to the endpoint client-env prints, the Desktop app over HTTP to the
 * VIP's 4318) and by {@link Telemetry2026} in the background, so verify's metric-name, dashboard and
 * Loki checks and the soak's client-rate checks see what a team's clients send.
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
                && world.prometheus().ruleFiles().keySet().stream().anyMatch(k -> k.contains("monitoring-claude-code-alerts")),
                () -> "the operator's config:\n" + world.prometheus().config() + "\nrule files: " + world.prometheus().ruleFiles().keySet());

        // 2. client-env: what the user pastes into their shell.
        Laptop.Run env = laptop.migrate(2, "client-env", "--machine-name", "laptop");
        assertEquals(ExitCodes.OK, env.exitCode(), env.all());
        String endpoint = value(env.out(), "OTEL_EXPORTER_OTLP_ENDPOINT");
        assertEquals("http://" + HomelabWorld.VIP + ":4317", endpoint, env.out());
        String protocol = value(env.out(), "OTEL_EXPORTER_OTLP_PROTOCOL");

        // What is left (see the class comment): the client's data through the operator's scrape job,
        // verify, soak, retire, record, backport and status on this world.
        // 3. the clients send to the VIP (a CLI over gRPC, the Desktop app over HTTP, and 2026's telemetry
        //    in the background for the rest of the plan); the operator's job scrapes the collector's pod
        //    through the Service's endpoints.
        String http = "http://" + HomelabWorld.VIP + ":4318";
        try (ClaudeCodeClient cli = new ClaudeCodeClient(endpoint, protocol, "claude-code", "laptop");
             ClaudeCodeClient desktop = new ClaudeCodeClient(http, "http/protobuf", "claude-code-desktop", "desk");
             Telemetry2026 ongoing = Telemetry2026.start(endpoint, http)) {
            String model = "claude-sonnet-4-5";
            cli.sessionStarted("seed-1").cost("seed-1", 0.25, model).tokens("seed-1", "input", 1200, model)
                    .tokens("seed-1", "output", 300, model).activeTime("seed-1", "user", 60).activeTime("seed-1", "cli", 30)
                    .linesOfCode("seed-1", "added", 12).commit("seed-1").pullRequest("seed-1")
                    .editDecision("seed-1", "Edit", "accept", "Java", false);
            for (String event : List.of("user_prompt", "api_request", "tool_decision", "tool_result", "api_error")) {
                cli.event("seed-1", event, Map.of("model", model));
            }
            desktop.sessionStarted("seed-2").cost("seed-2", 0.5, model).tokens("seed-2", "input", 500, model)
                    .editDecision("seed-2", "Write", "reject", "Go", true).event("seed-2", "api_request", Map.of("model", model));
            cli.export();
            desktop.export();
            var prom = world.prometheus().process();
            awaitTrue(Duration.ofSeconds(90), () -> query(prom, "count(up{job=\"otel-collector\"} == 1)").contains("\"2\"")
                            && query(prom, "claude_code_cost_usage_USD_total{session_id=\"seed-1\"}").contains("0.25"),
                    () -> "the operator's job did not scrape the client's data:\n" + prom.get("/api/v1/targets?state=any")
                            + "\n" + query(prom, "claude_code_cost_usage_USD_total"));
            String targets = prom.get("/api/v1/targets?state=active");
            assertTrue(targets.contains("\"scrapePool\":\"serviceMonitor/monitoring/otel-collector/0\"")
                    && targets.contains("\"scrapeUrl\":\"http://" + podIp() + ":8889/metrics\""),
                    "the target is the operator's job on the pod IP: " + targets);

            // 4. verify: on the operator's scrape job and the operator's rule files.
            Laptop.Run verify = laptop.migrate(5, "verify");
            System.out.println("verify:\n" + verify.out());
            assertEquals(ExitCodes.OK, verify.exitCode(), verify.all());
            assertTrue(verify.out().contains("scrape-target") && verify.out().contains("alert-rules"), verify.out());
            System.out.printf("seed plan through verify: %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());

            // 5. soak, short and accelerated (see the class comment), with the clients still sending.
            Laptop.Run soak = laptop.migrate(5, "soak");
            System.out.println("soak:\n" + soak.all());
            assertEquals(ExitCodes.OK, soak.exitCode(), soak.all());
        }

        // 6. retire the laptop's stack: its volumes archived, the project gone, Grafana's port free.
        //    The backup directory is the user's to make (retire refuses to invent one).
        Path backups = Files.createDirectories(laptop.home().resolve("migrate-backups"));
        Laptop.Run retire = laptop.migrate(5, "retire", "--yes", "--ports", "3030");
        System.out.println("retire:\n" + retire.all());
        assertEquals(ExitCodes.OK, retire.exitCode(), retire.all());
        try (var archives = Files.walk(backups)) {
            assertTrue(archives.anyMatch(f -> f.getFileName().toString().endsWith("claude_prometheus_data.tar.gz")), "the volumes were archived");
        }

        // 7. record and backport, then status.
        Laptop.Run record = laptop.migrate(2, "record", "--out", tmp.resolve("record").toString());
        System.out.println("record:\n" + record.all());
        assertEquals(ExitCodes.OK, record.exitCode(), record.all());
        Laptop.Run backport = laptop.migrate(2, "backport", "--out", tmp.resolve("backport").toString());
        System.out.println("backport:\n" + backport.all());
        assertEquals(ExitCodes.OK, backport.exitCode(), backport.all());
        Laptop.Run status = laptop.migrate(2, "status");
        System.out.println("status:\n" + status.all());
        assertEquals(ExitCodes.OK, status.exitCode(), status.all());
        assertTrue(status.out().contains("the migration is complete"), status.out());

        System.out.printf("seed plan end to end: %d s (world start-up not included)%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    private static String podIp() {
        return world.admin().pods().inNamespace(HomelabWorld.NS).withLabel("app.kubernetes.io/name", "otel-collector").list()
                .getItems().get(0).getStatus().getPodIP();
    }

    private static String query(HomelabWorld.Server prom, String promql) {
        return prom.get("/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8));
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
