package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.bundle.Prepared;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.deploy.DeployOptions;
import dev.migrate.deploy.DeployResult;
import dev.migrate.deploy.DeployRunner;
import dev.migrate.deploy.ObjectChange;
import dev.migrate.deploy.Sleeper;
import dev.migrate.io.ProgressSink;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.KubeApiServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy's apply and its waits on a homelab in a box ({@link HomelabWorld}): the rollout is judged by
 * the real Deployment and ReplicaSet controllers, the real scheduler and kwok's readiness, the VIP by
 * the world's LB IPAM, on the real clock. These tests played the Deployment controller before (in
 * DeployRunnerTest, by writing the status subresource at each sleep of a fake clock); the tests that
 * still do are the ones that need a fault at an exact moment (see DeployRunnerTest).
 * <p>
 * One world for the class (its start-up is most of the time), and one homelab's life in order: the
 * first deploy, a re-deploy that changes nothing, a changed setting that rolls the collector. deploy
 * runs as the operator user homelab-operator, whose RBAC grants exactly what deploy needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployRolloutTest {
    static final String DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/monitoring/deployments/otel-collector";
    static HomelabWorld world;
    static Path tmp;
    static Settings settings;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        world = HomelabWorld.start();
        tmp = Files.createTempDirectory("deploy-rollout");
        settings = Settings.defaults().with(Map.of("context", HomelabWorld.CONTEXT,
                "kubeconfig", world.api().kubeconfig(tmp, HomelabWorld.CONTEXT, KubeApiServer.OPERATOR).toString(),
                "state-dir", tmp.resolve("state").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (world != null) {
            world.close();
        }
        if (tmp != null) {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void theFirstDeployAppliesInOrderAndWaitsForTheRealRolloutAndTheVip() throws Exception {
        int mark = world.api().mark();
        Bundle bundle = Prepared.of(settings).bundle();

        DeployResult result = deploy(settings);

        assertEquals(ExitCodes.OK, result.exitCode(), out() + err() + world.logs());
        assertTrue(out().indexOf("context homelab, server " + world.api().url()) < out().indexOf("apply:"), out());
        List<KubeApiServer.Request> applies = world.api().requestsSince(mark).stream()
                .filter(r -> r.verb().equals("patch") && r.uri().contains("fieldManager=migrate")).toList();
        assertEquals(bundle.objects().stream().map(ManifestObject::name).toList(),
                applies.stream().map(r -> path(r).substring(path(r).lastIndexOf('/') + 1)).toList(), "applied in the bundle's order");
        assertTrue(applies.stream().anyMatch(r -> path(r).equals(DEPLOYMENT_PATH)), applies.toString());
        for (KubeApiServer.Request r : applies) {
            assertFalse(r.uri().contains("force=true"), "force only with --force-conflicts: " + r.uri());
            assertFalse(r.uri().contains("dryRun"), r.uri());
            assertEquals(KubeApiServer.OPERATOR, r.user(), r.toString());
        }
        for (ManifestObject o : bundle.objects()) {
            var live = world.admin().genericKubernetesResources(o.apiVersion(), o.kind()).inNamespace(o.namespace())
                    .withName(o.name()).get();
            assertTrue(live.getMetadata().getManagedFields().stream()
                    .anyMatch(m -> m.getManager().equals("migrate") && m.getOperation().equals("Apply")),
                    o.id() + ": " + live.getMetadata().getManagedFields());
        }
        assertTrue(result.changes().stream().allMatch(c -> c.action().equals(ObjectChange.Action.CREATED)), result.changes().toString());
        System.out.println("first deploy:\n" + out() + err());
        // No "waiting for rollout" line is required: kwok makes the pod Ready within about a second, so the
        // real rollout may be complete before deploy's first look (the fake clock always made it wait).
        assertTrue(out().contains("PASS  rollout Deployment/monitoring/otel-collector"), out());
        assertTrue(out().contains("L2 announcement Lease cilium-l2announce-monitoring-otel-collector exists"), out());

        // What deploy waited for is the controllers' work: a ReplicaSet of the Deployment's, its pod
        // scheduled onto the kwok node with a pod IP, Ready, and the status observed at this generation.
        Deployment d = deployment();
        assertEquals(d.getMetadata().getGeneration(), d.getStatus().getObservedGeneration());
        assertEquals(1, d.getStatus().getAvailableReplicas());
        ReplicaSet rs = replicaSets().get(0);
        assertEquals(1, replicaSets().size(), replicaSets().toString());
        assertEquals(1, rs.getStatus().getAvailableReplicas());
        var pod = world.admin().pods().inNamespace(HomelabWorld.NS).withLabel("app.kubernetes.io/name", "otel-collector").list()
                .getItems().get(0);
        assertEquals(HomelabWorld.NODE, pod.getSpec().getNodeName(), "the real scheduler placed it");
        assertTrue(pod.getStatus().getPodIP().startsWith("10.244."), pod.getStatus().toString());

        Ledger ledger = new Ledger(settings.stateDir());
        StepRecord rec = ledger.latest("deploy").orElseThrow();
        assertEquals(StepRecord.PASSED, rec.outcome());
        assertEquals(settings.digest(), rec.settingsDigest());
        assertTrue(rec.details().get("changed").contains("Deployment/monitoring/otel-collector=created"), rec.details().toString());
        assertEquals(world.api().url(), rec.details().get("server"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.stateDir().resolve(Ledger.FILE))));
        assertFalse(Files.readString(settings.stateDir().resolve(Ledger.FILE)).contains(world.api().clientKeyData(KubeApiServer.OPERATOR)));
    }

    /** The controllers have written status, a ReplicaSet and the Service's ingress since: none of that is a change of ours. */
    @Test
    @Order(2)
    void aRedeployAfterTheControllersHaveWrittenStatusChangesNothing() {
        Map<String, String> before = resourceVersions();

        DeployResult again = deploy(settings);

        assertEquals(ExitCodes.OK, again.exitCode(), out() + err());
        assertTrue(again.changes().stream().allMatch(c -> c.action().equals(ObjectChange.Action.UNCHANGED)), again.changes().toString());
        assertTrue(out().contains("Deployment/monitoring/otel-collector unchanged"), out());
        assertTrue(again.summary().startsWith("unchanged: all " + Prepared.of(settings).bundle().objects().size() + " objects"),
                again.summary());
        assertEquals(before, resourceVersions(), "a no-op server-side apply writes nothing on 1.35");
        assertEquals(1, replicaSets().size(), "no new ReplicaSet: " + replicaSets());
        assertEquals("", new Ledger(settings.stateDir()).latest("deploy").orElseThrow().details().get("changed"));
    }

    /**
     * A setting the pod template carries (the Loki endpoint, here in its shorter in-cluster form) changes
     * the template: the server bumps the generation, the Deployment controller starts a new ReplicaSet,
     * scales the old one to zero once the new pod is available (one replica: maxSurge 1, maxUnavailable
     * 0), and deploy waits for exactly that.
     */
    @Test
    @Order(3)
    void aChangedSettingInThePodTemplateRollsANewReplicaSet() {
        long generation = deployment().getMetadata().getGeneration();
        String oldRs = replicaSets().get(0).getMetadata().getName();
        Settings changed = settings.with(Map.of("loki-otlp-endpoint", "http://loki.monitoring.svc:3100/otlp"));

        DeployResult again = deploy(changed);

        assertEquals(ExitCodes.OK, again.exitCode(), out() + err() + world.logs());
        assertTrue(out().contains("Deployment/monitoring/otel-collector configured"), out());
        assertTrue(out().contains("PASS  rollout Deployment/monitoring/otel-collector"), out());
        Deployment d = deployment();
        assertEquals(generation + 1, d.getMetadata().getGeneration(), "the server bumps generation on a template change");
        assertEquals(d.getMetadata().getGeneration(), d.getStatus().getObservedGeneration());
        Map<String, Integer> replicas = new LinkedHashMap<>();
        replicaSets().forEach(rs -> replicas.put(rs.getMetadata().getName(), rs.getStatus().getAvailableReplicas() == null ? 0
                : rs.getStatus().getAvailableReplicas()));
        assertEquals(2, replicas.size(), replicas.toString());
        assertEquals(0, replicas.get(oldRs), "the old ReplicaSet is scaled down: " + replicas);
        assertTrue(replicas.entrySet().stream().anyMatch(e -> !e.getKey().equals(oldRs) && e.getValue() == 1), replicas.toString());
        var env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        assertTrue(env.stream().anyMatch(e -> "http://loki.monitoring.svc:3100/otlp".equals(e.getValue())), env.toString());
    }

    private DeployResult deploy(Settings s) {
        outBytes.reset();
        errBytes.reset();
        try (Cluster cluster = ClusterFactory.connect(s)) {
            return new DeployRunner(Clock.systemUTC(), Sleeper.SYSTEM, ProgressSink.of(
                    new PrintWriter(outBytes, true, StandardCharsets.UTF_8), new PrintWriter(errBytes, true, StandardCharsets.UTF_8)))
                    .run(s, Prepared.of(s).bundle(), DeployOptions.defaults(), cluster);
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static String path(KubeApiServer.Request r) {
        int q = r.uri().indexOf('?');
        return q < 0 ? r.uri() : r.uri().substring(0, q);
    }

    private static Deployment deployment() {
        return world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").get();
    }

    private static List<ReplicaSet> replicaSets() {
        return world.admin().apps().replicaSets().inNamespace(HomelabWorld.NS).withLabel("app.kubernetes.io/name", "otel-collector")
                .list().getItems();
    }

    private static Map<String, String> resourceVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ManifestObject o : Prepared.of(settings).bundle().objects()) {
            out.put(o.id(), world.admin().genericKubernetesResources(o.apiVersion(), o.kind()).inNamespace(o.namespace())
                    .withName(o.name()).get().getMetadata().getResourceVersion());
        }
        return out;
    }
}
