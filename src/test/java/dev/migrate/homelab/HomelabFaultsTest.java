package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.deploy.DeployOptions;
import dev.migrate.deploy.DeployResult;
import dev.migrate.deploy.DeployRunner;
import dev.migrate.deploy.FakeTime;
import dev.migrate.io.ProgressSink;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.Laptop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.migrate.homelab.SeedPlanEndToEndTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults of the components deploy and verify lean on, on the homelab in a box, each made for real:
 * the real prometheus-operator process stopped and started again, the real kube-apiserver stopped
 * and started again on the same etcd while deploy runs. The tests share one world and run in order
 * (each leaves the collector deployed and the operator running).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HomelabFaultsTest {
    static HomelabWorld world;

    @TempDir
    static Path tmp;
    static Laptop laptop;

    @BeforeAll
    static void start() {
        world = HomelabWorld.start();
        laptop = new Laptop(tmp);
        laptop.settings(world.laptopSettings(laptop));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    /**
     * prometheus-operator down while deploy runs. Deploy does not need it (the Deployment
     * controller rolls the collector out, LB IPAM gives the VIP; the API server stores the
     * ServiceMonitor and the PrometheusRule whoever acts on them), so deploy passes. What the user
     * must not be left with is a verify that blames the selector: Prometheus's loaded configuration
     * has no job for the ServiceMonitor, and verify says the operator has not generated it and how
     * to check the operator. Once the operator is back it catches up without another deploy.
     */
    @Test
    @Order(1)
    void theOperatorDownWhileDeployRunsIsNamedByVerifyAndItCatchesUpWhenBack() {
        world.stopOperator();
        try {
            Laptop.Run deploy = laptop.migrate(5, "deploy");
            assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all() + world.logs());
            assertTrue(deploy.out().contains("PASS  rollout Deployment/monitoring/otel-collector"), deploy.out());

            Laptop.Run verify = laptop.migrate(5, "verify", "--only", "scrape-target,alert-rules");
            System.out.println("verify with the operator down:\n" + verify.out());
            assertEquals(ExitCodes.FAILED, verify.exitCode(), verify.all());
            assertTrue(verify.out().contains("Prometheus's configuration has no job serviceMonitor/monitoring/otel-collector/0"),
                    verify.out());
            assertTrue(verify.out().contains("prometheus-operator has not generated the scrape job for ServiceMonitor"
                    + " monitoring/otel-collector: the operator is not running"), verify.out());
            assertTrue(verify.out().contains("prometheus-operator has not written our PrometheusRule"), verify.out());
            assertTrue(verify.out().contains("check prometheus-operator is running and what it logged"), verify.out());
        } finally {
            world.restartOperator();
        }

        awaitCollectorScrapedByTheOperatorsJob();
        Laptop.Run again = laptop.migrate(5, "verify", "--only", "scrape-target,alert-rules");
        assertEquals(ExitCodes.OK, again.exitCode(), again.all());
    }

    /**
     * The operator restarted between deploy and verify. Its output outlives it: the config Secret and
     * the rule ConfigMaps stay, Prometheus keeps running them, so verify passes at once, and again
     * once the new operator process has reconciled (it writes the same config: no reload).
     */
    @Test
    @Order(2)
    void theOperatorRestartedBetweenDeployAndVerifyLeavesVerifyPassing() {
        Laptop.Run deploy = laptop.migrate(5, "deploy");
        assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all());
        String configBefore = world.prometheus().config();
        int reloadsBefore = world.prometheus().reloads();

        world.restartOperator();
        Laptop.Run right = laptop.migrate(5, "verify", "--only", "scrape-target,alert-rules");
        assertEquals(ExitCodes.OK, right.exitCode(), "verify right after the operator's restart:\n" + right.all());

        // The new process has synced the Prometheus object (its own log says so).
        awaitTrue(Duration.ofSeconds(60), () -> world.operator().logText().contains("sync prometheus"),
                () -> "the restarted operator did not sync:\n" + world.logs());
        Laptop.Run later = laptop.migrate(5, "verify", "--only", "scrape-target,alert-rules");
        assertEquals(ExitCodes.OK, later.exitCode(), "verify after the operator reconciled:\n" + later.all());
        assertEquals(configBefore, world.prometheus().config(), "the restarted operator generates the same configuration");
        System.out.printf("operator restart: config unchanged, Prometheus reloads %d -> %d%n", reloadsBefore, world.prometheus().reloads());
    }

    /**
     * The real kube-apiserver stopped and started again on the same etcd while deploy applies and
     * waits: the Deployment is applied, the rest of the objects and the rollout wait meet a refused
     * connection (and, if they come in at the right moment, a 429 "storage is (re)initializing" for
     * the custom resources). Every call deploy makes is safe to repeat, so it asks again until the
     * server is back and passes; the run's audit log shows it went on against the restarted server.
     */
    @Test
    @Order(3)
    void theApiServerRestartedMidRolloutIsRiddenOut() throws Exception {
        KubeApiServer api = world.api();
        world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").delete();
        awaitTrue(Duration.ofSeconds(60), () -> world.admin().apps().deployments().inNamespace(HomelabWorld.NS)
                .withName("otel-collector").get() == null, () -> "the Deployment was not deleted");

        AtomicReference<Throwable> restartFailed = new AtomicReference<>();
        AtomicInteger markAfterRestart = new AtomicInteger(-1);
        long[] downMs = {0};
        Thread restarter = new Thread(() -> {
            try {
                // As soon as deploy has created the Deployment (its rollout has just begun), the server goes away.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (System.nanoTime() < deadline && world.admin().apps().deployments().inNamespace(HomelabWorld.NS)
                        .withName("otel-collector").get() == null) {
                    Thread.sleep(20);
                }
                long t = System.nanoTime();
                world.restartApiServer(() -> {
                    dev.migrate.testsupport.ManagedProcess.sleep(3_000); // long enough for deploy to meet the refused connection, and to ask again
                    markAfterRestart.set(api.mark());
                });
                downMs[0] = (System.nanoTime() - t) / 1_000_000;
            } catch (Throwable e) {
                restartFailed.set(e);
            }
        }, "api-server-restarter");
        restarter.start();
        Laptop.Run deploy = laptop.migrate(6, "deploy");
        restarter.join(TimeUnit.MINUTES.toMillis(3));
        System.out.println("deploy across the API server's restart (down for " + downMs[0] + " ms):\n" + deploy.all());
        if (restartFailed.get() != null) {
            throw new AssertionError("the restart itself failed", restartFailed.get());
        }
        assertTrue(markAfterRestart.get() >= 0, "the API server was restarted during the deploy");

        assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all() + world.logs());
        assertTrue(deploy.out().contains("PASS  rollout Deployment/monitoring/otel-collector"), deploy.out());
        assertTrue(deploy.out().contains("PASS  vip " + HomelabWorld.VIP), deploy.out());
        // The user saw the outage ridden out, not a silent stall.
        assertTrue(deploy.err().contains("the API server is unavailable: "), deploy.err());
        List<KubeApiServer.Request> all = api.requestsSince(markAfterRestart.get());
        // migrate is the fabric8 client; the world's controllers, kwok and the operator use their own user agents.
        List<KubeApiServer.Request> deploys = all.stream().filter(r -> r.userAgent().startsWith("fabric8")).toList();
        assertFalse(deploys.isEmpty(), "deploy went on against the restarted server");
        System.out.printf("requests to the restarted server: deploy %d (429: %d), the world's components %d (429: %d)%n",
                deploys.size(), deploys.stream().filter(r -> r.code() == 429).count(), all.size() - deploys.size(),
                all.stream().filter(r -> r.code() == 429 && !r.userAgent().startsWith("fabric8")).count());
        assertNotNull(world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").get());
    }

    /**
     * The 429 "storage is (re)initializing" a restarted kube-apiserver answers for custom resources
     * until its watch cache is ready, on a double ({@link FakeApiServer}): on the real restart above
     * the world's controllers, which re-list and re-watch everything at once, meet it (16-20 times in
     * the runs here) but deploy's few requests meet it only if one falls into that window (none did
     * in those runs; the test above prints the count).
     * The double plays exactly that answer, for a few requests and then for ever: deploy asks again
     * and passes, or, past read-timeout, stops naming the answer, how long it asked, what was applied
     * and what was not.
     */
    @Test
    @Order(4)
    void theStorageReinitializing429IsAskedAgainAndNamedOncePastReadTimeout() throws Exception {
        try (FakeApiServer fake = new FakeApiServer()) {
            Homelab.seed(fake);
            Path dir = java.nio.file.Files.createDirectories(tmp.resolve("double"));
            Settings settings = Settings.defaults().with(Map.of("context", Homelab.CONTEXT, "kubeconfig",
                    fake.kubeconfig(dir, Homelab.CONTEXT).toString(), "state-dir", dir.resolve("state").toString(), "read-timeout", "8s"));
            FakeTime time = new FakeTime().onSleep(() -> {
                Homelab.rollOut(fake.client(), "otel-collector");
                if (fake.client().leases().inNamespace("kube-system").withName("cilium-l2announce-monitoring-otel-collector").get() == null) {
                    Homelab.assignVip(fake.client(), "otel-collector", Homelab.VIP, true);
                }
            });

            fake.storageInitializing("/servicemonitors/", 4); // past 2 s: the waiting line says so
            StringWriter err = new StringWriter();
            DeployResult passed = deploy(fake, settings, time, err);
            assertEquals(ExitCodes.OK, passed.exitCode(), passed.summary());
            assertTrue(err.toString().contains("the API server is unavailable: the API server " + fake.url() + " (context homelab)"
                    + " answered get servicemonitors.monitoring.coreos.com monitoring/otel-collector with HTTP 429 Too Many Requests"
                    + " (storage is (re)initializing): it is restarting or shedding load, which is not a permission problem;"
                    + " asking again for up to "), err.toString());

            fake.storageInitializing("/prometheusrules/", Integer.MAX_VALUE);
            DeployResult stopped = deploy(fake, settings, time, new StringWriter());
            assertEquals(ExitCodes.FAILED, stopped.exitCode(), stopped.summary());
            assertTrue(stopped.summary().startsWith("the API server " + fake.url() + " (context homelab) answered get prometheusrules.monitoring.coreos.com"
                    + " monitoring/claude-code with HTTP 429 Too Many Requests (storage is (re)initializing): it is restarting"
                    + " or shedding load, which is not a permission problem, asked "), stopped.summary());
            assertTrue(stopped.summary().contains(" times over 8 s (setting read-timeout); wait a minute and retry; already applied:"
                    + " ConfigMap/monitoring/otel-collector-config, Deployment/monitoring/otel-collector, Service/monitoring/otel-collector,"
                    + " ServiceMonitor/monitoring/otel-collector; nothing after PrometheusRule/monitoring/claude-code was applied"),
                    stopped.summary());
            assertFalse(stopped.summary().contains("\n"), stopped.summary());
        }
    }

    private static DeployResult deploy(FakeApiServer fake, Settings settings, FakeTime time, StringWriter err) {
        try (Cluster cluster = ClusterFactory.connect(settings)) {
            return new DeployRunner(time, time, ProgressSink.of(null, new PrintWriter(err, true)))
                    .run(settings, Homelab.bundle(), DeployOptions.defaults(), cluster);
        }
    }


    private static void awaitCollectorScrapedByTheOperatorsJob() {
        var prom = world.prometheus().process();
        awaitTrue(Duration.ofSeconds(120), () -> world.prometheus().config().contains("serviceMonitor/monitoring/otel-collector/0")
                        && world.prometheus().ruleFiles().keySet().stream().anyMatch(k -> k.contains("monitoring-claude-code"))
                        && prom.get("/api/v1/query?query=" + java.net.URLEncoder.encode("count(up{job=\"otel-collector\"} == 1)",
                        java.nio.charset.StandardCharsets.UTF_8)).contains("\"2\""),
                () -> "the operator's job for the collector is not up:\n" + prom.get("/api/v1/targets?state=active") + "\n" + world.logs());
    }

}
