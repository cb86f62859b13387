package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.cluster.KindInfo;
import dev.migrate.io.ProgressSink;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.ManagedProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a no-op re-deploy (the cluster already holds the bundle) sends to the real kube-apiserver
 * 1.35, counted in its audit log: the permissions asked in one SelfSubjectRulesReview for the
 * namespace, each preflight read sent once, CRDs known from discovery, each object applied without
 * reading it first (the answer, against what the last deploy recorded in the ledger, says it is
 * unchanged), and the rollout and the VIP judged from the applies' answers. Counts as behaviour,
 * never a time (bench/deploy-noop.sh prints the time).
 */
class DeployNoopRequestsTest {
    @TempDir
    Path tmp;
    KubeApiServer api;
    KubernetesClient c;
    LokiDouble loki;
    Cluster cluster;
    Settings settings;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        // Loki stays a double (AGPL); the real service proxy will not reach 127.0.0.1, so deploy reads it at --loki-url.
        loki = new LokiDouble().config(Homelab.LOKI_CONFIG);
        api = KubeApiServer.shared();
        c = api.admin();
        Homelab.seed(api);
        settings = Homelab.settings(api, tmp, KubeApiServer.OPERATOR);
        cluster = ClusterFactory.connect(settings);
    }

    @AfterEach
    void stop() {
        cluster.close();
        loki.close();
    }

    @Test
    void aNoOpReDeployWritesNothingReadsNoObjectItAppliesAndReportsEveryObjectUnchanged() {
        FakeTime time = healthy();
        DeployResult first = deploy(time);
        assertEquals(ExitCodes.OK, first.exitCode(), text());
        Map<String, String> before = resourceVersions();
        settle();
        int mark = api.mark();

        DeployResult again = deploy(time);

        List<KubeApiServer.Request> sent = api.requestsSince(mark);
        String listing = sent.stream().map(r -> r.verb() + " " + r.uri() + " " + r.code()).collect(Collectors.joining("\n"));
        assertEquals(ExitCodes.OK, again.exitCode(), text());
        assertTrue(again.summary().startsWith("unchanged: all 6 objects"), again.summary());
        for (ManifestObject o : Homelab.bundle().objects()) {
            assertTrue(text().contains("  " + o.id() + " unchanged\n"), o.id() + " reported unchanged:\n" + text());
            assertEquals(0, sent.stream().filter(r -> r.verb().equals("get") && r.uri().startsWith(path(o))).count(),
                    o.id() + " is not read: its apply's answer says it is unchanged, and how its rollout or VIP stands\n" + listing);
            assertEquals(1, sent.stream().filter(r -> r.verb().equals("patch") && r.uri().startsWith(path(o) + "?")).count(),
                    o.id() + " applied once\n" + listing);
        }
        assertEquals(before, resourceVersions(), "a no-op re-deploy writes nothing");
        assertTrue(text().contains("PASS  rollout Deployment/monitoring/otel-collector"), text());
        assertTrue(text().contains("PASS  vip 10.10.30.22"), text());
        assertTrue(text().contains("one SelfSubjectRulesReview"), text());
        assertEquals(1, sent.stream().filter(r -> r.uri().contains("/selfsubjectrulesreviews")).count(), listing);
        assertEquals(0, sent.stream().filter(r -> r.uri().contains("/selfsubjectaccessreviews")).count(), listing);
        assertEquals(1, sent.stream().filter(r -> r.uri().equals("/api/v1/namespaces/monitoring")).count(), listing);
        assertEquals(0, sent.stream().filter(r -> r.uri().contains("/customresourcedefinitions")).count(),
                "discovery says which CRDs are served; no CRD is read\n" + listing);
        // 14 = 7 preflight reads (namespace, discovery of monitoring.coreos.com/v1, Prometheus list, Service list,
        // discovery of cilium.io/v2, pool list), 1 rules review, 6 applies, 1 Lease read (the L2 announcement).
        // It was 24 with a GET before each apply and status reads after them, 40 with an access review per
        // verb and kind; the goal of 10 is not met (docs/benchmarks.md says which requests remain and why).
        assertTrue(sent.size() <= 14, sent.size() + " requests:\n" + listing);
    }

    @Test
    void anObjectChangedOrDeletedOutsideMigrateSinceTheLastDeployIsNotReportedUnchanged() {
        FakeTime time = healthy();
        assertEquals(ExitCodes.OK, deploy(time).exitCode(), text());
        // Someone drops a label migrate set (an update by another manager: migrate no longer owns it, so no
        // conflict), and deletes the dashboard ConfigMap.
        c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").edit(cm -> {
            cm.getMetadata().getLabels().remove(ManifestObject.PART_OF_LABEL);
            return cm;
        });
        c.configMaps().inNamespace(Homelab.NS).withName("claude-code-dashboard").delete();
        c.configMaps().inNamespace(Homelab.NS).withName("claude-code-dashboard")
                .waitUntilCondition(java.util.Objects::isNull, 30, java.util.concurrent.TimeUnit.SECONDS);
        settle();
        int mark = api.mark();

        DeployResult again = deploy(time);

        assertEquals(ExitCodes.OK, again.exitCode(), text());
        assertTrue(text().contains("  ConfigMap/monitoring/otel-collector-config configured\n"
                + "      " + AppliedVersion.WRITTEN_AGAIN + "\n"), text());
        assertTrue(text().contains("  ConfigMap/monitoring/claude-code-dashboard created\n"), text());
        assertTrue(text().contains("  Deployment/monitoring/otel-collector unchanged\n"), text());
        assertEquals(ManifestObject.PART_OF_VALUE, c.configMaps().inNamespace(Homelab.NS).withName("otel-collector-config").get()
                .getMetadata().getLabels().get(ManifestObject.PART_OF_LABEL), "the apply set the label back");
        assertTrue(api.requestsSince(mark).stream().noneMatch(r -> r.verb().equals("get") && r.uri().contains("/configmaps/")),
                "judged from the applies' answers, not read first");
        assertTrue(again.summary().startsWith("applied 6 objects (1 created, 1 configured, 4 unchanged)"), again.summary());
    }

    /**
     * Real time past the second the first deploy's applies were stamped in: an object migrate changed
     * less than that ago is read before its apply (a re-deploy within it is tested in DeployRunnerTest).
     */
    static void settle() {
        ManagedProcess.sleep(AppliedVersion.SETTLE.toMillis() + 100);
    }

    /** The object's REST path, e.g. /api/v1/namespaces/monitoring/configmaps/otel-collector-config. */
    static String path(ManifestObject o) {
        KindInfo k = KindInfo.of(o.apiVersion(), o.kind());
        return (k.group().isEmpty() ? "/api/" : "/apis/" + k.group() + "/") + k.version() + "/namespaces/" + o.namespace()
                + "/" + k.plural() + "/" + o.name();
    }

    Map<String, String> resourceVersions() {
        Map<String, String> rvs = new java.util.LinkedHashMap<>();
        for (ManifestObject o : Homelab.bundle().objects()) {
            rvs.put(o.id(), c.genericKubernetesResources(o.apiVersion(), o.kind()).inNamespace(o.namespace()).withName(o.name())
                    .get().getMetadata().getResourceVersion());
        }
        return rvs;
    }

    /** The test plays the Deployment controller and Cilium LB IPAM at each sleep, as DeployRunnerTest does. */
    FakeTime healthy() {
        return new FakeTime().onSleep(() -> {
            if (c.apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get() != null) {
                Homelab.rollOut(c, "otel-collector");
            }
            var svc = c.services().inNamespace(Homelab.NS).withName("otel-collector").get();
            if (svc != null && (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress().isEmpty())) {
                Homelab.assignVip(c, "otel-collector", Homelab.VIP, true);
            }
        });
    }

    DeployResult deploy(FakeTime time) {
        out.reset();
        DeployOptions options = new DeployOptions(false, false, DeployOptions.defaults().timeout(), java.util.Set.of(),
                Optional.of(URI.create(loki.url())));
        PrintWriter w = new PrintWriter(out, true, StandardCharsets.UTF_8);
        return new DeployRunner(time, time, ProgressSink.of(w, w)).run(settings, Homelab.bundle(), options, cluster);
    }

    String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
