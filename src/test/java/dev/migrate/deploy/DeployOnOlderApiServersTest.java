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

    /** This machine's clock as deploy reads it to time the server's stamps: fixed, moved by the tests. */
    java.time.Instant wallNow = java.time.Instant.parse("2026-12-07T06:00:00Z");

    DeployResult deploy(FakeTime time) {
        java.time.Clock wall = java.time.Clock.fixed(wallNow, java.time.ZoneOffset.UTC);
        return new DeployRunner(time, time, dev.migrate.io.ProgressSink.NONE, dev.migrate.cluster.preflight.Preflight.standard(),
                wall).run(settings, Homelab.bundle(), DeployOptions.defaults(), cluster);
    }

    @Test
    void aNoOpApplyThatStillBumpsTheResourceVersionIsReportedUnchangedWhenTheObjectWasReadFirst() {
        FakeTime time = healthy();
        DeployResult first0 = deploy(time);
        assertEquals(ExitCodes.OK, first0.exitCode(), first0.summary() + first0.preflight());
        api.noOpApplyWrites(true);
        String rvBefore = api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion();

        // Within seconds of the deploy that created them, each object is read before its apply; the content says.
        DeployResult again = deploy(time);

        assertFalse(rvBefore.equals(api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion()), "the double really wrote");
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.Action.UNCHANGED)), again.changes().toString());
        assertTrue(again.summary().startsWith("unchanged"), again.summary());
    }

    @Test
    void aNoOpApplyThatStillWritesIsNeverCalledUnchangedWhenJudgedFromItsAnswer() {
        FakeTime time = healthy();
        assertEquals(ExitCodes.OK, deploy(time).exitCode());
        api.noOpApplyWrites(true);
        wallNow = wallNow.plus(AppliedVersion.SETTLE); // later: judged from the answer, not read first

        DeployResult again = deploy(time);

        // The server wrote each object again; without the state before the apply, deploy cannot tell that
        // from a change outside migrate that this apply set back, so it says what it knows.
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.Action.CONFIGURED)
                && c.diff().equals(java.util.List.of(AppliedVersion.WRITTEN_AGAIN))), again.changes().toString());
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
