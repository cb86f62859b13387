package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.AtCall;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.io.ProgressSink;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.LokiDouble;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy end to end through the real {@link dev.migrate.cluster.Fabric8Cluster} against a real
 * kube-apiserver 1.35 + etcd ({@link KubeApiServer}) as the operator user homelab-operator, whose
 * RBAC grants exactly what deploy needs. What migrate sent is read from the API server's audit log;
 * what it did, from the objects and their managedFields.
 * <p>
 * No controller runs here: the test plays the Deployment controller and Cilium LB IPAM at each sleep
 * of a fake clock ({@link FakeTime}) by writing the status subresources. That stays for what these
 * tests are about: the apply (order, conflicts, refusals, dry runs, rollback) with the waits only
 * in the way, and faults at an exact moment a real cluster cannot be made to hit on demand (an
 * interrupt at the first wait, the API server gone between the apply and the wait, a condition
 * exactly as a controller or Cilium words it, every LB IPAM reason under both condition names, a
 * rollout that never completes within a fake 30 s). The first deploy, the no-op re-deploy and a
 * template change rolled out by the real Deployment controller are in
 * {@code homelab/DeployRolloutTest}; ProgressDeadlineExceeded from the real controller in
 * {@code homelab/HomelabFailureModesTest}.
 */
class DeployRunnerTest {
    @TempDir
    Path tmp;
    KubeApiServer api;
    KubernetesClient c;
    Settings settings;
    Cluster cluster;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    /** Loki stays a double (AGPL); the real service proxy will not reach 127.0.0.1, so deploy reads it at --loki-url. */
    LokiDouble loki;

    @BeforeEach
    void start() {
        loki = new LokiDouble().config(Homelab.LOKI_CONFIG);
        api = KubeApiServer.shared();
        c = api.admin();
        Homelab.seed(api);
        settings = settingsAs(KubeApiServer.OPERATOR);
        cluster = ClusterFactory.connect(settings);
    }

    Settings settingsAs(String user) {
        return Homelab.settings(api, tmp, user);
    }

    @AfterEach
    void stop() {
        cluster.close();
        loki.close();
    }

    /** The server-side applies migrate sent since {@code mark}: PATCH requests with fieldManager=migrate. */
    List<KubeApiServer.Request> applies(int mark) {
        return api.requestsSince(mark).stream().filter(r -> r.verb().equals("patch") && r.uri().contains("fieldManager=migrate"))
                .toList();
    }

    Deployment deployment() {
        return c.apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get();
    }

    String rv(HasMetadata o) {
        return o.getMetadata().getResourceVersion();
    }

    /** Controllers that do their job at each sleep: the Deployment rolls out and the VIP is assigned and announced. */
    FakeTime healthyCluster() {
        return new FakeTime().onSleep(Homelab.healthyControllers(c));
    }

    DeployResult deploy(FakeTime time, Bundle bundle, DeployOptions options) {
        outBytes.reset();
        errBytes.reset();
        return new DeployRunner(time, time, ProgressSink.of(
                new PrintWriter(outBytes, true, StandardCharsets.UTF_8), new PrintWriter(errBytes, true, StandardCharsets.UTF_8))).run(settings, bundle, withLoki(options), cluster);
    }

    DeployOptions withLoki(DeployOptions o) {
        return new DeployOptions(o.forceConflicts(), o.diffOnly(), o.timeout(), o.skipChecks(),
                Optional.of(java.net.URI.create(loki.url())));
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

    Map<String, String> resourceVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            out.put(o.id(), rv(c.genericKubernetesResources(o.apiVersion(), o.kind()).inNamespace(o.namespace())
                    .withName(o.name()).get()));
        }
        return out;
    }

    @Test
    void theWaitsThatRunAreThePlansInItsOrder() {
        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, result.exitCode(), out());
        assertEquals(List.of(new DeployPlan.Rollout(Homelab.NS, "otel-collector"),
                new DeployPlan.Vip(Homelab.NS, "otel-collector", settings.vip())), result.plan().waits());
        assertEquals(List.of("rollout Deployment/monitoring/otel-collector", "vip " + settings.vip()),
                result.waits().stream().map(dev.migrate.checks.CheckResult::name).toList(), out());
        String text = out();
        assertTrue(text.indexOf("PASS  rollout Deployment/monitoring/otel-collector") > text.indexOf("then wait"), text);
    }

    @Test
    void aChangedObjectIsReadFirstAndShowsItsFieldsTheOthersAreJudgedFromTheirAnswers() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        DeployNoopRequestsTest.settle();
        int mark = api.mark();

        DeployResult again = deploy(time, withConfig("receivers:\n  otlp: {protocols: {grpc: {}}}\n"), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, again.exitCode(), out());
        assertEquals(List.of("ConfigMap/monitoring/otel-collector-config"), again.changes().stream()
                .filter(ObjectChange::changed).map(ObjectChange::id).toList());
        assertTrue(out().contains("otel-collector-config configured\n      ~ data.config.yaml: text changed"), out());
        List<String> reads = api.requestsSince(mark).stream().filter(r -> r.verb().equals("get")).map(KubeApiServer.Request::uri)
                .toList();
        assertTrue(reads.contains("/api/v1/namespaces/monitoring/configmaps/otel-collector-config"), reads.toString());
        assertFalse(reads.contains("/apis/apps/v1/namespaces/monitoring/deployments/otel-collector"),
                "the Deployment was applied as the last deploy left it: its answer is enough " + reads);
    }

    @Test
    void diffShowsWhatWouldChangeThroughAServerDryRunAndChangesNothing() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        int records = new Ledger(settings.stateDir()).all().size();
        Map<String, String> before = resourceVersions();
        int mark = api.mark();

        DeployResult diff = deploy(time, withConfig("receivers:\n  otlp: {}\nexporters: {}\n"),
                options(false, true, Duration.ofMinutes(5)));

        assertEquals(ExitCodes.OK, diff.exitCode(), out());
        assertTrue(out().contains("ConfigMap/monitoring/otel-collector-config would change"), out());
        assertTrue(out().contains("~ data.config.yaml: text changed (2 -> 3 lines)"), out());
        assertTrue(out().contains("Deployment/monitoring/otel-collector unchanged"), out());
        assertEquals(6, applies(mark).size(), applies(mark).toString());
        assertTrue(applies(mark).stream().allMatch(r -> r.uri().contains("dryRun=All")), applies(mark).toString());
        assertEquals(before, resourceVersions(), "a dry run writes nothing");
        assertEquals("receivers:\n  otlp: {}\n", c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getData().get("config.yaml"));
        assertEquals(records, new Ledger(settings.stateDir()).all().size(), "a diff is not recorded as a deploy");
        assertFalse(out().contains("wait:"), out());
    }

    /** Every step that changes something holds the state directory's lock (two retires at once lost data). */
    @Test
    void aDeployWhileAnotherStepHoldsTheStateDirectoryIsRefusedAndAppliesNothing() {
        FakeTime time = healthyCluster();
        try (dev.migrate.io.StateLock held = dev.migrate.io.StateLock.acquire(settings.stateDir(), "migrate retire --yes")) {
            int mark = api.mark();
            UserError e = assertThrows(UserError.class, () -> deploy(time, Homelab.bundle(), DeployOptions.defaults()));
            assertEquals(ExitCodes.REFUSED, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().startsWith("another migrate step holds the state directory " + settings.stateDir()
                    + ": migrate retire --yes (pid "), e.getMessage());
            assertEquals(List.of(), applies(mark), "nothing was applied");
        }
        assertEquals(ExitCodes.OK, deploy(time, Homelab.bundle(), DeployOptions.defaults()).exitCode(), "once it is free: " + out());
    }

    @Test
    void aFieldManagerConflictStopsTheApplyNamesTheManagerAndWhatWasAlreadyApplied() {
        FakeTime time = healthyCluster();
        deploy(time, Homelab.bundle(), DeployOptions.defaults());
        // Someone scaled the collector with kubectl apply --server-side --force-conflicts: kubectl now owns spec.replicas.
        c.resource("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: otel-collector, namespace: monitoring}
                spec: {replicas: 3}
                """).fieldManager("kubectl").forceConflicts().serverSideApply();
        int mark = api.mark();
        String rvBefore = rv(deployment());

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.summary().contains("Deployment/monitoring/otel-collector: field-manager conflict with kubectl on .spec.replicas"),
                result.summary());
        assertTrue(result.summary().contains("already applied: ConfigMap/monitoring/otel-collector-config"), result.summary());
        assertTrue(result.summary().contains("--force-conflicts"), result.summary());
        assertEquals(2, applies(mark).size(), "nothing after the conflicting object is applied: " + applies(mark));
        assertEquals(409, applies(mark).get(1).code());
        assertEquals(3, deployment().getSpec().getReplicas());
        assertEquals(rvBefore, rv(deployment()), "the refused apply wrote nothing");
        assertEquals(StepRecord.FAILED, new Ledger(settings.stateDir()).latest("deploy").orElseThrow().outcome());

        mark = api.mark();
        DeployResult forced = deploy(time, Homelab.bundle(), options(true, false, Duration.ofMinutes(5)));

        assertEquals(ExitCodes.OK, forced.exitCode(), out());
        assertTrue(applies(mark).stream().allMatch(r -> r.uri().contains("force=true")), applies(mark).toString());
        assertEquals(1, deployment().getSpec().getReplicas());
        var replicasOwner = deployment().getMetadata().getManagedFields().stream()
                .filter(m -> m.getFieldsV1().getAdditionalProperties().get("f:spec") instanceof Map<?, ?> spec
                        && spec.containsKey("f:replicas")).map(m -> m.getManager()).toList();
        assertEquals(List.of("migrate"), replicasOwner, "migrate took .spec.replicas over from kubectl");
    }

    @Test
    void anUnknownFieldInAManifestIsRefusedByTheServerNamingTheField() {
        // A hand-edited manifest with a typo: the real server validates strictly (fieldValidation=Strict)
        // against the real ServiceMonitor CRD schema, instead of dropping the field with a warning.
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            if (o.kind().equals("ServiceMonitor")) {
                Map<String, Object> body = new LinkedHashMap<>(o.body());
                body.put("spec", Map.of("selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "otel-collector")),
                        "endpoints", List.of(Map.of("port", "prometheus", "intervall", "15s"))));
                o = new ManifestObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), body);
            }
            objects.add(o);
        }
        DeployResult result = deploy(healthyCluster(), new Bundle(objects, "receivers: {}", "test", "{}", "test"),
                DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode(), out());
        // kube-apiserver 1.35 answers this with a 500 (it fails building the typed patch), not a 422 as for a
        // built-in kind: the message, not the code, is what names the field.
        assertTrue(result.summary().contains("server-side apply of ServiceMonitor/monitoring/otel-collector failed with HTTP 500"),
                result.summary());
        assertTrue(result.summary().contains(".spec.endpoints[0].intervall: field not declared in schema"), result.summary());
        assertTrue(result.summary().contains("already applied: ConfigMap/monitoring/otel-collector-config"), result.summary());
        assertEquals(null, c.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace(Homelab.NS)
                .withName("otel-collector").get(), "nothing written for the refused object");
        assertFalse(result.summary().contains("\n"), result.summary());
    }

    @Test
    void anUnknownFieldInABuiltInKindIsRefusedToo() {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            if (o.kind().equals("ConfigMap") && o.name().equals("otel-collector-config")) {
                Map<String, Object> body = new LinkedHashMap<>(o.body());
                body.put("dataa", Map.of("x", "y"));
                o = new ManifestObject(o.apiVersion(), o.kind(), o.namespace(), o.name(), body);
            }
            objects.add(o);
        }
        DeployResult result = deploy(healthyCluster(), new Bundle(objects, "receivers: {}", "test", "{}", "test"),
                DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode(), out());
        assertTrue(result.summary().contains("dataa"), "the error names the field: " + result.summary());
        assertTrue(result.summary().contains("nothing was applied"), result.summary());
        assertEquals(null, c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get());
    }

    @Test
    void theApiServerStoppedMidApplyNamesWhatWasAppliedAndARerunConverges() {
        FakeTime time = healthyCluster();
        // A server that answered and then refuses is asked again for read-timeout (a restart): keep that short here.
        cluster.close();
        cluster = ClusterFactory.connect(settings.with(Map.of("read-timeout", "3s")));
        Cluster real = cluster;
        cluster = AtCall.after(real, "apply", 3, api::stop); // kube-apiserver stopped, for real, right after the third apply
        DeployResult result;
        try {
            result = deploy(time, Homelab.bundle(), DeployOptions.defaults());
        } finally {
            api.start();
            cluster = real;
        }

        assertEquals(ExitCodes.FAILED, result.exitCode(), out());
        assertTrue(result.summary().contains("cannot reach the API server " + api.url() + " (context homelab) for get servicemonitors"),
                result.summary());
        assertTrue(result.summary().contains(" s (setting read-timeout); check the cluster is up"), result.summary());
        assertTrue(result.summary().contains("already applied: ConfigMap/monitoring/otel-collector-config, Deployment/monitoring/otel-collector,"
                + " Service/monitoring/otel-collector; nothing after ServiceMonitor/monitoring/otel-collector was applied"), result.summary());
        assertFalse(result.summary().contains("\n"), result.summary());
        assertEquals(StepRecord.FAILED, new Ledger(settings.stateDir()).latest("deploy").orElseThrow().outcome());

        DeployResult rerun = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, rerun.exitCode(), out());
        assertEquals(List.of("unchanged", "unchanged", "unchanged", "created", "created", "created"),
                rerun.changes().stream().map(c -> c.action().label()).toList(), "the re-run converges: " + rerun.changes());
    }

    /**
     * deploy through {@code at}, the real connection with the working thread interrupted at one call
     * (SIGINT as SignalGuard delivers it): the error, exit 130. The test thread then goes on.
     */
    UserError interruptedDeploy(Cluster at) {
        Cluster real = cluster;
        cluster = at;
        try {
            UserError e = assertThrows(UserError.class, () -> deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults()));
            assertEquals(ExitCodes.INTERRUPTED, e.exitCode(), e.getMessage());
            return e;
        } finally {
            Thread.interrupted();
            cluster = real;
        }
    }

    @Test
    void anInterruptDuringTheApplyNamesEveryObjectAppliedInTheErrorAndTheLedger() {
        // SIGINT inside the real call to apply the third object
        UserError e = interruptedDeploy(AtCall.before(cluster, "apply", 3, AtCall.INTERRUPT));

        assertTrue(e.getMessage().startsWith("interrupted during the apply: applied 2 objects (2 created)"
                + " [ConfigMap/monitoring/otel-collector-config created, Deployment/monitoring/otel-collector created]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the apply of Service/monitoring/otel-collector was cut short (it may or may not"
                + " have reached the API server); not applied: ServiceMonitor/monitoring/otel-collector,"
                + " PrometheusRule/monitoring/claude-code, ConfigMap/monitoring/claude-code-dashboard"), e.getMessage());
        assertTrue(e.getMessage().endsWith("recorded as interrupted in the ledger; run 'migrate deploy' again to apply the"
                + " rest and wait for the rollout"), e.getMessage());
        assertTrue(out().contains("  Deployment/monitoring/otel-collector created"), out());
        // What the API server holds agrees: the two objects exist, the three after the cut do not.
        assertNotNull(deployment());
        assertEquals(null, c.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor")
                .inNamespace(Homelab.NS).withName("otel-collector").get());

        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.INTERRUPTED, rec.outcome());
        assertEquals("ConfigMap/monitoring/otel-collector-config=created,Deployment/monitoring/otel-collector=created",
                rec.details().get("changed"));
        assertEquals(e.getMessage(), rec.summary());

        DeployResult rerun = deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults());
        assertEquals(ExitCodes.OK, rerun.exitCode(), out());
    }

    @Test
    void anInterruptDuringThePreflightSaysNothingWasAppliedAndRecordsIt() {
        int mark = api.mark();
        UserError e = interruptedDeploy(AtCall.before(cluster, AtCall.ANY_REQUEST, 1, AtCall.INTERRUPT)); // inside the first read

        assertEquals("interrupted before the apply: nothing was applied; recorded as interrupted in the ledger;"
                + " run 'migrate deploy' again", e.getMessage());
        assertTrue(applies(mark).isEmpty(), "nothing sent after the interrupt: " + applies(mark));
        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.INTERRUPTED, rec.outcome());
        assertEquals("", rec.details().get("changed"));
    }

    @Test
    void anInterruptBetweenTwoObjectsStopsBeforeTheNextAndNamesTheRest() {
        UserError e = interruptedDeploy(AtCall.after(cluster, "apply", 2, AtCall.INTERRUPT)); // once the second is applied

        assertEquals("interrupted during the apply: applied 2 objects (2 created) [ConfigMap/monitoring/otel-collector-config"
                + " created, Deployment/monitoring/otel-collector created]; not applied: Service/monitoring/otel-collector,"
                + " ServiceMonitor/monitoring/otel-collector, PrometheusRule/monitoring/claude-code,"
                + " ConfigMap/monitoring/claude-code-dashboard; recorded as interrupted in the ledger; run 'migrate deploy'"
                + " again to apply the rest and wait for the rollout", e.getMessage());
        assertEquals(null, c.services().inNamespace(Homelab.NS).withName("otel-collector").get(), "nothing after the stop");
        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.INTERRUPTED, rec.outcome());
        assertEquals("ConfigMap/monitoring/otel-collector-config=created,Deployment/monitoring/otel-collector=created",
                rec.details().get("changed"));
    }

    @Test
    void anInterruptBetweenTheApplyAndTheWaitsNamesWhatWasApplied() {
        FakeTime time = new FakeTime().onSleep(() -> Thread.currentThread().interrupt()); // SIGINT at the first wait
        UserError e = assertThrows(UserError.class, () -> deploy(time, Homelab.bundle(), DeployOptions.defaults()));
        Thread.interrupted();

        assertEquals(ExitCodes.INTERRUPTED, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().startsWith("interrupted while waiting, after the apply: applied 6 objects (6 created)"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; run 'migrate deploy' again to wait for the rollout"), e.getMessage());
        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.INTERRUPTED, rec.outcome(), rec.toString());
        assertEquals(6, rec.details().get("changed").split(",").length, rec.toString());
    }

    @Test
    void theApiServerRestartedBetweenTheApplyAndTheWaitIsRiddenOut() {
        boolean[] restarted = {false};
        FakeTime healthy = healthyCluster();
        FakeTime time = new FakeTime().onSleep(() -> {
            if (!restarted[0]) {
                restarted[0] = true;
                api.stop();
                api.start(); // same port, same etcd: the objects are all still there
            }
            healthy.sleep(Duration.ZERO);
        });

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertTrue(restarted[0]);
        assertEquals(ExitCodes.OK, result.exitCode(), out());
        assertTrue(out().contains("PASS  rollout Deployment/monitoring/otel-collector"), out());
    }

    @Test
    void aNamespaceThatDoesNotExistFailsPreflightAndTheServerRefusesTheApplyIfSkipped() {
        // As admin: the operator has no grant in observability, and the real server authorizes before it
        // looks the namespace up, so the operator would get a 403 rather than the 404 shown here.
        cluster.close();
        settings = settingsAs(KubeApiServer.ADMIN).with(Map.of("namespace", "observability"));
        cluster = ClusterFactory.connect(settings);
        int mark = api.mark();

        DeployResult result = deploy(healthyCluster(), bundleIn("observability"), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(out().contains("namespace observability not found"), out());
        assertTrue(api.requestsSince(mark).stream().noneMatch(r -> r.verb().equals("patch")), "nothing sent after a failed preflight");

        DeployResult skipped = deploy(healthyCluster(), bundleIn("observability"),
                options(false, false, Duration.ofMinutes(5), "namespace", "prometheus-selects"));

        assertEquals(ExitCodes.FAILED, skipped.exitCode(), out());
        assertTrue(skipped.summary().contains("namespaces \"observability\" not found"), skipped.summary());
        assertTrue(skipped.summary().contains("nothing was applied"), skipped.summary());
        assertEquals(null, c.namespaces().withName("observability").get(), "deploy never creates a namespace");
    }

    @Test
    void rollbackByTheOwnershipLabelsAsTheRunbookSaysRemovesExactlyOurObjects() {
        assertEquals(ExitCodes.OK, deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults()).exitCode(), out());
        // Neighbours in the same namespace: the chart's Prometheus, someone's ConfigMap, another tool's Service.
        c.configMaps().inNamespace(Homelab.NS).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withName("grafana-dashboards-other").addToLabels("grafana_dashboard", "1").endMetadata().build()).create();
        Homelab.service(c, Homelab.NS, "loki", Map.of(), null);

        // RUNBOOK, deploy: rollback: kubectl -n monitoring delete configmap,deployment,service,servicemonitor,prometheusrule
        //   -l app.kubernetes.io/managed-by=migrate   (kubectl lists by the selector and deletes what it found)
        String selector = ManifestObject.MANAGED_BY_LABEL;
        for (String[] kind : List.of(new String[]{"v1", "ConfigMap"}, new String[]{"apps/v1", "Deployment"},
                new String[]{"v1", "Service"}, new String[]{"monitoring.coreos.com/v1", "ServiceMonitor"},
                new String[]{"monitoring.coreos.com/v1", "PrometheusRule"})) {
            c.genericKubernetesResources(kind[0], kind[1]).inNamespace(Homelab.NS)
                    .withLabel(selector, ManifestObject.MANAGED_BY_VALUE).delete();
        }

        for (ManifestObject o : Homelab.bundle().objects()) {
            assertEquals(null, c.genericKubernetesResources(o.apiVersion(), o.kind()).inNamespace(o.namespace()).withName(o.name()).get(),
                    o.id() + " removed");
        }
        assertNotNull(c.configMaps().inNamespace(Homelab.NS).withName("grafana-dashboards-other").get());
        assertNotNull(c.services().inNamespace(Homelab.NS).withName("loki").get());
        assertNotNull(c.genericKubernetesResources("monitoring.coreos.com/v1", "Prometheus").inNamespace(Homelab.NS)
                .withName("prometheus-kube-prometheus-prometheus").get(), "the chart's Prometheus is untouched");
        assertNotNull(c.services().inNamespace("gitlab").withName("gitlab-ssh").get());
    }

    @Test
    void aFailedPreflightAppliesNothingAndIsRecorded() {
        cluster.close();
        settings = settingsAs(KubeApiServer.RESTRICTED); // may get and create ServiceMonitors, not patch them
        cluster = ClusterFactory.connect(settings);
        int mark = api.mark();

        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.summary().contains("preflight failed (rbac)"), result.summary());
        assertTrue(out().contains("denied in namespace monitoring: patch servicemonitors.monitoring.coreos.com"), out());
        assertTrue(applies(mark).isEmpty(), "no write after a failed preflight");
        assertEquals(null, c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get());
        assertEquals(StepRecord.FAILED, new Ledger(settings.stateDir()).latest("deploy").orElseThrow().outcome());
    }

    @Test
    void skipCheckSkipsTheNamedCheckAndSaysSoInThePlanAndTheReport() {
        cluster.close();
        settings = settingsAs(KubeApiServer.RESTRICTED);
        cluster = ClusterFactory.connect(settings);

        DeployResult result = deploy(healthyCluster(), Homelab.bundle(), options(false, false, Duration.ofMinutes(5), "rbac"));

        assertTrue(out().contains("- rbac: RBAC allows get/create/patch on every kind we apply (SelfSubjectRulesReview)  [skipped by --skip-check]"), out());
        assertTrue(out().contains("SKIP  rbac                   skipped by --skip-check"), out());
        assertEquals("rbac", new Ledger(settings.stateDir()).latest("deploy").orElseThrow().details().get("skippedChecks"));
        // The real server's RBAC then stops the apply where preflight would have: a server-side apply
        // that creates needs patch as well as create, so the ServiceMonitor is refused with a 403.
        assertEquals(ExitCodes.FAILED, result.exitCode(), out());
        assertTrue(result.summary().contains("403 Forbidden to server-side apply of ServiceMonitor/monitoring/otel-collector"),
                result.summary());
        assertTrue(result.summary().contains("already applied: ConfigMap/monitoring/otel-collector-config, Deployment/monitoring/otel-collector,"
                + " Service/monitoring/otel-collector"), result.summary());
    }

    @Test
    void anUnknownSkipCheckIsBadInputBeforeAnyRequest() {
        int mark = api.mark();
        UserError e = assertThrows(UserError.class,
                () -> deploy(healthyCluster(), Homelab.bundle(), options(false, false, Duration.ofMinutes(5), "vip")));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("--skip-check vip: no such check; checks are context, namespace"), e.getMessage());
        assertTrue(api.requestsSince(mark).isEmpty(), api.requestsSince(mark).toString());
    }

    @Test
    void aClientCertificateFromAnUnknownCaIsRefusedAsAnonymousAndIsRecorded() {
        cluster.close();
        settings = settingsAs(KubeApiServer.STRANGER);
        cluster = ClusterFactory.connect(settings);

        UserError e = assertThrows(UserError.class, () -> deploy(healthyCluster(), Homelab.bundle(), DeployOptions.defaults()));

        assertEquals(ExitCodes.FAILED, e.exitCode());
        assertEquals(dev.migrate.cluster.ClusterException.Kind.UNAUTHORIZED,
                ((dev.migrate.cluster.ClusterException) e.getCause()).kind(), "the server's answer, kept as the cause");
        assertTrue(e.getMessage().contains("(context homelab) answered 403 Forbidden to get namespaces monitoring as system:anonymous"),
                e.getMessage());
        assertTrue(out().contains("context homelab, server " + api.url()), "the plan was printed first: " + out());
        StepRecord rec = new Ledger(settings.stateDir()).latest("deploy").orElseThrow();
        assertEquals(StepRecord.FAILED, rec.outcome());
        assertFalse(rec.summary().contains(api.clientKeyData(KubeApiServer.STRANGER)));
        assertEquals(null, c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get());
    }

    @Test
    void aRolloutThatNeverCompletesTimesOutNamingTheCondition() {
        FakeTime time = new FakeTime().onSleep(() -> c.apps().deployments().inNamespace(Homelab.NS)
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
        FakeTime time = new FakeTime().onSleep(() -> Homelab.deadlineExceeded(c, "otel-collector"));

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
            Homelab.rollOut(c, "otel-collector");
            Homelab.refuseVip(c, "otel-collector", conditionType, reason);
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
            Homelab.rollOut(c, "otel-collector");
            Homelab.assignVip(c, "otel-collector", "10.10.30.77", false);
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
        FakeTime time = new FakeTime().onSleep(() -> Homelab.rollOut(c, "otel-collector"));

        DeployResult result = deploy(time, Homelab.bundle(), options(false, false, Duration.ofMinutes(1)));

        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.waits().get(1).observed().contains("VIP 10.10.30.22 not assigned before the timeout: no ingress address yet"),
                result.waits().get(1).observed());
    }

    @Test
    void anAssignedVipWithoutAnL2LeaseSaysSo() {
        FakeTime time = new FakeTime().onSleep(() -> {
            Homelab.rollOut(c, "otel-collector");
            var svc = c.services().inNamespace(Homelab.NS).withName("otel-collector").get();
            if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress().isEmpty()) {
                Homelab.assignVip(c, "otel-collector", Homelab.VIP, false);
            }
        });

        DeployResult result = deploy(time, Homelab.bundle(), DeployOptions.defaults());

        assertEquals(ExitCodes.OK, result.exitCode(), out());
        assertTrue(result.waits().get(1).observed().contains("no L2 announcement Lease cilium-l2announce-monitoring-otel-collector yet"),
                result.waits().get(1).observed());
    }

    /** The test bundle with every object in namespace {@code ns}. */
    @SuppressWarnings("unchecked")
    static Bundle bundleIn(String ns) {
        List<ManifestObject> objects = new ArrayList<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            Map<String, Object> body = dev.migrate.Json.MAPPER.convertValue(o.body(), LinkedHashMap.class);
            ((Map<String, Object>) body.get("metadata")).put("namespace", ns);
            objects.add(new ManifestObject(o.apiVersion(), o.kind(), ns, o.name(), body));
        }
        return new Bundle(objects, "receivers: {}", "test", "{}", "test");
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
