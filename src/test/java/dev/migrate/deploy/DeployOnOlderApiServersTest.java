package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviours of API servers other than the homelab's 1.35, which the real test server cannot
 * produce, on the double ({@link FakeApiServer}): a no-op apply that still writes (a new
 * managedFields timestamp and resourceVersion, kubernetes/kubernetes#124605), and a whole server
 * answering 500. Everything else deploy does is tested on the real server in DeployRunnerTest.
 */
class DeployOnOlderApiServersTest {
    @TempDir
    Path tmp;
    FakeApiServer api;
    Settings settings;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        Homelab.seed(api);
        settings = Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT).toString(), "state-dir", tmp.resolve("state").toString()));
        cluster = ClusterFactory.connect(settings);
    }

    @AfterEach
    void stop() {
        cluster.close();
        api.close();
    }

    FakeTime healthy() {
        return new FakeTime().onSleep(() -> {
            Homelab.rollOut(api.client(), "otel-collector");
            if (api.client().leases().inNamespace("kube-system").withName("cilium-l2announce-monitoring-otel-collector").get() == null) {
                Homelab.assignVip(api.client(), "otel-collector", Homelab.VIP, true);
            }
        });
    }

    DeployResult deploy(FakeTime time) {
        return new DeployRunner(time, time, dev.migrate.io.ProgressSink.NONE).run(settings, Homelab.bundle(), DeployOptions.defaults(), cluster);
    }

    @Test
    void aNoOpApplyThatStillBumpsTheResourceVersionIsReportedUnchanged() {
        FakeTime time = healthy();
        DeployResult first0 = deploy(time);
        assertEquals(ExitCodes.OK, first0.exitCode(), first0.summary() + first0.preflight());
        api.noOpApplyWrites(true);
        String rvBefore = api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion();

        DeployResult again = deploy(time);

        assertFalse(rvBefore.equals(api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion()), "the double really wrote");
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.Action.UNCHANGED)), again.changes().toString());
        assertTrue(again.summary().startsWith("unchanged"), again.summary());
    }

    @Test
    void aWholeServerAnswering500StopsPreflightWithTheServersOwnErrorAndWritesNothing() {
        api.answerEverything(500);

        // A 500 is the server's own failure: preflight stops with it instead of judging a check, and never
        // suggests granting RBAC (the wrong fix for a server error).
        dev.migrate.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.migrate.UserError.class, () -> deploy(healthy()));
        assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("not a permission problem"), e.getMessage());
        assertFalse(e.getMessage().contains("RBAC"), e.getMessage());
        assertTrue(api.applies().isEmpty(), "no write after a failed preflight");
        assertFalse(e.getMessage().contains(FakeApiServer.TOKEN));
    }
}
