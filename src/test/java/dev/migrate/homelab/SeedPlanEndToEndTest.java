package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.AnthropicApiDouble;
import dev.migrate.testsupport.DashboardPanels;
import dev.migrate.testsupport.DockerdProcess;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.Laptop;
import dev.migrate.testsupport.PrometheusProcess;
import dev.migrate.testsupport.RealClaudeCode;
import dev.migrate.testsupport.RealComponents;
import dev.migrate.testsupport.Rendered;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.migrate.testsupport.AnthropicApiDouble.text;
import static dev.migrate.testsupport.AnthropicApiDouble.tool;
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
 * The telemetry is the real Claude Code client's ({@link RealClaudeCode}, the pinned release), run
 * with exactly the environment {@code migrate client-env} printed (gRPC to the VIP's 4317) plus what
 * running offline needs; the Anthropic API it talks to is a stand-in ({@link AnthropicApiDouble}: the
 * API cannot run here). Its two sessions are all the data there is, so verify's metric-name,
 * clients, dashboard and Loki checks and the soak judge what one real user's client sent.
 */
class SeedPlanEndToEndTest {
    static final String MODEL = "claude-sonnet-4-5";
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
        laptop.settings(world.laptopSettings(laptop) + "soak-duration: 1m\nsoak-interval: 10s\n");
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
        Map<String, String> shell = RealClaudeCode.exports(env.out());
        assertEquals("http://" + HomelabWorld.VIP + ":4317", shell.get("OTEL_EXPORTER_OTLP_ENDPOINT"), env.out());
        assertEquals("grpc", shell.get("OTEL_EXPORTER_OTLP_PROTOCOL"), env.out());

        // 3. the real Claude Code client in that shell: two sessions, sent to the VIP over gRPC from this
        //    namespace (the client is this JVM's child), the Anthropic API played by a stand-in on loopback.
        //    The operator's job scrapes the collector's pod through the Service's endpoints.
        RealClaudeCode claude;
        int apiRequests;
        try (AnthropicApiDouble anthropic = new AnthropicApiDouble()) {
            claude = RealClaudeCode.offline(anthropic, shell);
            String file = claude.work().resolve("hello.py").toString();
            anthropic.script("hello", text("Hello from the stand-in."));
            anthropic.script("write", tool("Write", "{\"file_path\":\"" + file + "\",\"content\":\"a = 1\\nb = 2\\n\"}"),
                    tool("Edit", "{\"file_path\":\"" + file + "\",\"old_string\":\"b = 2\",\"new_string\":\"b = 2\\nc = 3\"}"),
                    text("Written and edited."));
            long sessions = System.nanoTime();
            claude.prompt("Say hello [[hello]]", "--model", MODEL).ok();
            claude.prompt("Write a file [[write]]", "--model", MODEL, "--permission-mode", "acceptEdits").ok();
            apiRequests = anthropic.requests().size();
            System.out.printf("real client: 2 sessions in %d ms%n", Duration.ofNanos(System.nanoTime() - sessions).toMillis());
        }
        var prom = world.prometheus().process();
        awaitTrue(Duration.ofSeconds(90), () -> query(prom, "count(up{job=\"otel-collector\"} == 1)").contains("\"2\"")
                        && query(prom, "sum(claude_code_session_count_total)").contains("\"2\"")
                        && world.loki().lines().stream().filter(l -> "api_request".equals(l.metadata().get("event_name"))).count()
                        == apiRequests,
                () -> "the operator's job did not scrape the client's data:\n" + prom.get("/api/v1/targets?state=any")
                        + "\n" + query(prom, "claude_code_session_count_total") + "\ncollector:\n" + collectorLog());
        String targets = prom.get("/api/v1/targets?state=active");
        assertTrue(targets.contains("\"scrapePool\":\"serviceMonitor/monitoring/otel-collector/0\"")
                && targets.contains("\"scrapeUrl\":\"http://" + podIp() + ":8889/metrics\""),
                "the target is the operator's job on the pod IP: " + targets);

        // 4. verify: on the operator's scrape job and the operator's rule files, with the client's data.
        Laptop.Run verify = laptop.migrate(5, "verify");
        System.out.println("verify:\n" + verify.out());
        assertEquals(ExitCodes.OK, verify.exitCode(), verify.all());
        assertTrue(line(verify.out(), "scrape-target").startsWith("PASS") && line(verify.out(), "alert-rules").startsWith("PASS"),
                verify.out());
        assertTrue(line(verify.out(), "clients").matches("PASS .*1 machine\\(s\\), 1 user\\(s\\) sent data in the last 1h: laptop: user\\.id "
                + claude.userId().substring(0, 12) + "\u2026 \\(" + RealComponents.version("claude_code") + ", claude-code\\)"),
                "verify names the one client that ran: " + line(verify.out(), "clients"));
        assertTrue(line(verify.out(), "client-data").contains("claude_code_cost_usage_USD_total: 2 session(s), "
                + "claude_code_session_count_total: 2 session(s)"), line(verify.out(), "client-data"));
        assertTrue(line(verify.out(), "dashboard").startsWith("PASS"), line(verify.out(), "dashboard"));
        // The numbers on the panels verify ran: what the client priced and counted itself.
        DashboardPanels panels = new DashboardPanels(Rendered.bundle().dashboardJson(), prom,
                dev.migrate.settings.Values.duration(dev.migrate.settings.SettingKeys.RECORDING_QUERY_OFFSET.defaultValue()),
                world.loki());
        double cost = world.loki().lines().stream().filter(l -> "api_request".equals(l.metadata().get("event_name")))
                .mapToDouble(l -> Double.parseDouble(l.metadata().get("cost_usd"))).sum();
        assertTrue(cost > 0, "the client priced its requests");
        assertEquals(cost, panels.value("Total cost"), 1e-9);
        assertEquals(2, panels.value("Sessions"));
        assertEquals(Map.of("laptop", 2.0), panels.by("Sessions by machine", "machine_name"));
        assertEquals((double) apiRequests * (AnthropicApiDouble.USAGE.input() + AnthropicApiDouble.USAGE.output()
                + AnthropicApiDouble.USAGE.cacheRead() + AnthropicApiDouble.USAGE.cacheCreation()), panels.value("Total tokens"));
        System.out.printf("seed plan through verify: %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());

        // 5. soak, short and accelerated (see the class comment), on what the sessions sent.
        Laptop.Run soak = laptop.migrate(5, "soak");
        System.out.println("soak:\n" + soak.all());
        assertEquals(ExitCodes.OK, soak.exitCode(), soak.all());

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

    /** The report line of one check ("PASS  name  time  observed"), whitespace collapsed. */
    private static String line(String report, String check) {
        return report.lines().map(l -> l.trim().replaceAll("\\s+", " ")).filter(l -> l.matches("[A-Z]+ " + check + " .*"))
                .findFirst().orElseThrow(() -> new AssertionError("verify printed no line for " + check + ":\n" + report));
    }

    private static String collectorLog() {
        var c = world.collector();
        return c == null ? "(no collector process)" : c.logText().substring(Math.max(0, c.logText().length() - 3000));
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
