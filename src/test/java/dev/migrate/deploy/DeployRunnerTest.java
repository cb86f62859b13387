package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy end to end through the real {@link dev.migrate.cluster.Fabric8Cluster} against the
 * kube-apiserver double; the test plays the Deployment controller and Cilium LB IPAM at each sleep.
 */
class DeployRunnerTest {
    static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/monitoring/deployments/otel-collector";

    @TempDir
    Path tmp;
    FakeApiServer api;
    Settings settings;
    Cluster cluster;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        Homelab.seed(api);
        settings = Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT).toString(),
                "state-dir", tmp.resolve("state").toString()));
        cluster = ClusterFactory.connect(settings);
    }

    @AfterEach
    void stop() {
        cluster.close();
        api.close();
    }

    /** Controllers that do their job: the Deployment rolls out and the VIP is assigned and announced. */
    FakeTime healthyCluster() {
        return new FakeTime().onSleep(Homelab.healthyControllers(api));
    }

    DeployResult deploy(FakeTime time, Bundle bundle, DeployOptions options) {
        outBytes.reset();
        errBytes.reset();
        return new DeployRunner(time, time, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8)).run(settings, bundle, options, cluster);
    }

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    static DeployOptions options(boolean force, boolean diff, Duration timeout, String... skip) {
        return new DeployOptions(force, diff, timeout, Set.of(skip), Optional.empty());
    }

    @Test
    void firstDeployPrintsThePlanAppliesInOrderWaitsAndRecordsTheOutcome() throws Exception {
        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, result.exitCode(), out());
        String out = out();
        assertTrue(out.indexOf("context homelab, server " + api.url()) < out.indexOf("apply:"), out);
        List<String> applied = api.applies().stream().map(FakeApiServer.Seen::path).toList();
        assertEquals(List.of("/api/v1/namespaces/monitoring/configmaps/otel-collector-config", DEPLOYMENT_PATH,
                "/api/v1/namespaces/monitoring/services/otel-collector",
                "/apis/monitoring.coreos.com/v1/namespaces/monitoring/servicemonitors/otel-collector",
                "/apis/monitoring.coreos.com/v1/namespaces/monitoring/prometheusrules/claude-code",
                "/api/v1/namespaces/monitoring/configmaps/claude-code-dashboard"), applied);
        for (FakeApiServer.Seen s : api.applies()) {
            assertTrue(s.query().contains("fieldManager=migrate"), s.query());
            assertFalse(s.query().contains("force=true"), "force only with --force-conflicts: " + s.query());
            assertFalse(s.query().contains("dryRun"), s.query());
        }
        assertTrue(result.changes().stream().allMatch(c -> c.action().equals(ObjectChange.CREATED)), result.changes().toString());
        assertTrue(out.contains("PASS  rollout Deployment/monitoring/otel-collector"), out);
        assertTrue(out.contains("L2 announcement Lease cilium-l2announce-monitoring-otel-collector exists"), out);
        assertTrue(err().contains("waiting for rollout of Deployment/monitoring/otel-collector"), err());

        Ledger ledger = new Ledger(settings.stateDir());
        StepRecord rec = ledger.latest("deploy").orElseThrow();
        assertEquals(StepRecord.PASSED, rec.outcome());
        assertEquals(settings.digest(), rec.settingsDigest());
        assertTrue(rec.details().get("changed").contains("Deployment/monitoring/otel-collector=created"), rec.details().toString());
        assertEquals(api.url(), rec.details().get("server"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                settings.stateDir().resolve(Ledger.FILE))));
        assertFalse(Files.readString(settings.stateDir().resolve(Ledger.FILE)).contains(FakeApiServer.TOKEN));
    }

    @Test
    void redeployOnAnUnchangedClusterChangesNothingAndSaysUnchanged() {
        FakeTime time = healthyCluster();
        assertEquals(ExitCodes.OK, deploy(time, Homelab.bundle(), DeployOptions.defaults()).exitCode(), out());
        String rvBefore = api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get()
                .getMetadata().getResourceVersion();

        DeployResult again = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, again.exitCode(), out());
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.UNCHANGED)), again.changes().toString());
        assertTrue(out().contains("Deployment/monitoring/otel-collector unchanged"), out());
        assertTrue(again.summary().startsWith("unchanged: all 6 objects"), again.summary());
        assertEquals(rvBefore, api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get()
                .getMetadata().getResourceVersion());
        assertEquals("", new Ledger(settings.stateDir()).latest("deploy").orElseThrow().details().get("changed"));
    }

    @Test
    void aNoOpApplyThatStillBumpsTheResourceVersionIsReportedUnchanged() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        api.noOpApplyWrites(true);
        String rvBefore = api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion();

        DeployResult again = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertFalse(rvBefore.equals(api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion()), "the double really wrote");
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.UNCHANGED)), again.changes().toString());
        assertTrue(again.summary().startsWith("unchanged"), again.summary());
    }

    @Test
    void aChangedObjectIsConfiguredAndTheOthersUnchanged() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());

        DeployResult again = deploy(time, withConfig("receivers:\n  otlp: {protocols: {grpc: {}}}\n"), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, again.exitCode(), out());
        assertEquals(List.of("ConfigMap/monitoring/otel-collector-config"), again.changes().stream()
                .filter(ObjectChange::changed).map(ObjectChange::id).toList());
        assertTrue(out().contains("otel-collector-config configured"), out());
    }

    @Test
    void diffShowsWhatWouldChangeThroughAServerDryRunAndChangesNothing() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        int records = new Ledger(settings.stateDir()).all().size();
        String rv = api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion();
        api.clearRequests();

        DeployResult diff = deploy(time, withConfig("receivers:\n  otlp: {}\nexporters: {}\n"),
                options(false, true, Duration.ofMinutes(5)));

        assertEquals(ExitCodes.OK, diff.exitCode(), out());
        assertTrue(out().contains("ConfigMap/monitoring/otel-collector-config would change"), out());
        assertTrue(out().contains("~ data.config.yaml: text changed (2 -> 3 lines)"), out());
        assertTrue(out().contains("Deployment/monitoring/otel-collector unchanged"), out());
        assertTrue(api.applies().stream().allMatch(s -> s.query().contains("dryRun=All")), api.applies().toString());
        assertEquals(rv, api.client().configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getResourceVersion());
        assertEquals(records, new Ledger(settings.stateDir()).all().size(), "a diff is not recorded as a deploy");
        assertFalse(out().contains("wait:"), out());
    }

    @Test
    void aFieldManagerConflictStopsTheApplyNamesTheManagerAndWhatWasAlreadyApplied() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        // Someone scaled the collector by hand with kubectl; kubectl now owns spec.replicas.
        api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector")
                .edit(d -> { d.getSpec().setReplicas(3); return d; });
        api.ownField(DEPLOYMENT_PATH, "kubectl-edit", "spec", "replicas");
        api.clearRequests();

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.summary().contains("Deployment/monitoring/otel-collector: field-manager conflict with kubectl-edit on .spec.replicas"),
                result.summary());
        assertTrue(result.summary().contains("already applied: ConfigMap/monitoring/otel-collector-config"), result.summary());
        assertTrue(result.summary().contains("--force-conflicts"), result.summary());
        assertEquals(2, api.applies().size(), "nothing after the conflicting object is applied");
        assertEquals(3, api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get()
                .getSpec().getReplicas());
        assertEquals(StepRecord.FAILED, new Ledger(settings.stateDir()).latest("deploy").orElseThrow().outcome());

        api.clearRequests();
        DeployResult forced = deploy(time, Homelab.bundle(), options(true, false, Duration.ofMinutes(5)));

        assertEquals(ExitCodes.OK, forced.exitCode(), out());
        assertTrue(api.applies().stream().allMatch(s -> s.query().contains("force=true")), api.applies().toString());
        assertEquals(1, api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get()
                .getSpec().getReplicas());
    }

    @Test
    void aFailedPreflightAppliesNothingAndIsRecorded() {
        api.deny("patch", "monitoring.coreos.com", "servicemonitors");

        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.summary().contains("preflight failed (rbac)"), result.summary());
        assertTrue(out().contains("patch servicemonitors.monitoring.coreos.com"), out());
        assertTrue(api.applies().isEmpty(), "no write after a failed preflight");
        assertEquals(StepRecord.FAILED, new Ledger(settings.stateDir()).latest("deploy").orElseThrow().outcome());
    }

    @Test
    void skipCheckSkipsTheNamedCheckAndSaysSoInThePlanAndTheReport() {
        api.deny("patch", "monitoring.coreos.com", "servicemonitors");

        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), options(false, false, Duration.ofMinutes(5), "rbac"));

        assertEquals(ExitCodes.OK, result.exitCode(), out());
        assertTrue(out().contains("- rbac: RBAC allows get/create/patch on every kind we apply (SelfSubjectAccessReview)  [skipped by --skip-check]"), out());
        assertTrue(out().contains("SKIP  rbac                   skipped by --skip-check"), out());
        assertEquals("rbac", new Ledger(settings.stateDir()).latest("deploy").orElseThrow().details().get("skippedChecks"));
    }

    @Test
    void anUnknownSkipCheckIsBadInputBeforeAnyRequest() {
        api.clearRequests();
        UserError e = assertThrows(UserError.class,
                () -> deploy(healthyCluster(), Homelab.bundle(), options(false, false, Duration.ofMinutes(5), "vip")));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("--skip-check vip: no such check; checks are context, namespace"), e.getMessage());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void anApiServerThatRejectsTheCredentialsStopsTheRunWithOneLineAndIsRecorded() {
        api.answerEverything(401);

        dev.migrate.cluster.ClusterException e = assertThrows(dev.migrate.cluster.ClusterException.class,
                () -> deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults()));

        assertEquals(ExitCodes.FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("(context homelab) answered 401 Unauthorized"), e.getMessage());
        assertTrue(out().contains("context homelab, server " + api.url()), "the plan was printed first: " + out());
        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.FAILED, rec.outcome());
        assertFalse(rec.summary().contains(FakeApiServer.TOKEN));
    }

    @Test
    void aRolloutThatNeverCompletesTimesOutNamingTheCondition() {
        FakeTime time = new FakeTime().onSleep(() -> api.client().apps().deployments().inNamespace(Homelab.NS)
                .withName("otel-collector").editStatus(d -> {
                    d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                            .withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                            .withAvailableReplicas(0).addNewCondition().withType("Available").withStatus("False")
                            .withReason("MinimumReplicasUnavailable").endCondition().build());
                    return d;
                }));

        DeployResult result = deploy(time, Homelab.bundle(), options(false, false, Duration.ofSeconds(30)));

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(out().contains("FAIL  rollout Deployment/monitoring/otel-collector not rolled out before the timeout: "
                + "0 of 1 updated replicas are available (condition Available=False reason MinimumReplicasUnavailable)"), out());
        assertEquals(Duration.ofSeconds(30), time.slept());
        assertTrue(err().contains("0 of 1 updated replicas are available"), err());
    }

    @Test
    void progressDeadlineExceededFailsWithoutWaitingOutTheTimeout() {
        FakeTime time = new FakeTime().onSleep(() -> Homelab.deadlineExceeded(api, "otel-collector"));

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(out().contains("condition Progressing=False reason ProgressDeadlineExceeded: ReplicaSet \"otel-collector-5d8f\" has timed out progressing."), out());
        assertTrue(time.slept().compareTo(Duration.ofSeconds(10)) < 0, "failed fast, slept " + time.slept());
    }

    @ParameterizedTest
    @CsvSource({
            "cilium.io/IPAMRequestSatisfied, already_allocated, another Service holds the VIP",
            "cilium.io/IPAMRequestSatisfied, no_pool, no CiliumLoadBalancerIPPool covers the VIP",
            "io.cilium/lb-ipam-request-satisfied, pool_selector_mismatch, serviceSelector that does not match",
            "cilium.io/IPAMRequestSatisfied, out_of_ips, the pool has no free address",
    })
    void aVipCiliumRefusesIsReportedWithItsReasonAndFix(String conditionType, String reason, String fix) {
        FakeTime time = new FakeTime().onSleep(() -> {
            Homelab.rollOut(api, "otel-collector");
            Homelab.refuseVip(api, "otel-collector", conditionType, reason);
        });

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode(), out());
        var vip = result.waits().get(1);
        assertTrue(vip.observed().contains(conditionType + "=False reason " + reason), vip.observed());
        assertTrue(vip.fix().contains(fix), vip.fix());
        assertTrue(time.slept().compareTo(Duration.ofMinutes(1)) < 0, "a definite refusal fails after the grace period");
        assertTrue(err().contains("reason " + reason), err());
    }

    @Test
    void anotherAddressThanTheVipFailsNamingTheAnnotation() {
        FakeTime time = new FakeTime().onSleep(() -> {
            Homelab.rollOut(api, "otel-collector");
            Homelab.assignVip(api, "otel-collector", "10.10.30.77", false);
        });

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.waits().get(1).observed().contains("monitoring/otel-collector got [10.10.30.77], not 10.10.30.22"),
                result.waits().get(1).observed());
        assertTrue(result.waits().get(1).fix().contains("lbipam.cilium.io/ips: 10.10.30.22"), result.waits().get(1).fix());
        assertTrue(time.slept().compareTo(Duration.ofMinutes(1)) < 0, "slept " + time.slept());
    }

    @Test
    void aVipNobodyAssignsTimesOut() {
        FakeTime time = new FakeTime().onSleep(() -> Homelab.rollOut(api, "otel-collector"));

        DeployResult result = deploy(time, Homelab.bundle(), options(false, false, Duration.ofMinutes(1)));

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.waits().get(1).observed().contains("VIP 10.10.30.22 not assigned before the timeout: no ingress address yet"),
                result.waits().get(1).observed());
    }

    @Test
    void anAssignedVipWithoutAnL2LeaseSaysSo() {
        FakeTime time = new FakeTime().onSleep(() -> {
            Homelab.rollOut(api, "otel-collector");
            var svc = api.client().services().inNamespace(Homelab.NS).withName("otel-collector").get();
            if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress().isEmpty()) {
                Homelab.assignVip(api, "otel-collector", Homelab.VIP, false);
            }
        });

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, result.exitCode(), out());
        assertTrue(result.waits().get(1).observed().contains("no L2 announcement Lease cilium-l2announce-monitoring-otel-collector yet"),
                result.waits().get(1).observed());
    }

    /** The test bundle with a different collector config in its ConfigMap. */
    static Bundle withConfig(String config) {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            if (o.name().equals("otel-collector-config")) {
                Map<String, Object> body = new LinkedHashMap<>(o.body());
                body.put("data", Map.of("config.yaml", config));
                o = new ManifestObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), body);
            }
            objects.add(o);
        }
        return new Bundle(objects, config, "test", "{}", "test");
    }
}
