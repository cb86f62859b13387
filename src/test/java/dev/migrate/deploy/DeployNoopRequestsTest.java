package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.io.ProgressSink;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.LokiDouble;
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
 * namespace instead of one SelfSubjectAccessReview per verb and resource, each preflight read sent
 * once, 24 requests in all. A count, never a time (bench/deploy-noop.sh prints the time).
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
        settings = Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.OPERATOR).toString(),
                "state-dir", tmp.resolve("state").toString()));
        cluster = ClusterFactory.connect(settings);
    }

    @AfterEach
    void stop() {
        cluster.close();
        loki.close();
    }

    @Test
    void aNoOpReDeployAsksOneRulesReviewAndReadsNothingTwiceInItsPreflight() {
        FakeTime time = healthy();
        DeployResult first = deploy(time);
        assertEquals(ExitCodes.OK, first.exitCode(), text());
        int mark = api.mark();

        DeployResult again = deploy(time);

        List<KubeApiServer.Request> sent = api.requestsSince(mark);
        String listing = sent.stream().map(r -> r.verb() + " " + r.uri() + " " + r.code()).collect(Collectors.joining("\n"));
        assertEquals(ExitCodes.OK, again.exitCode(), text());
        assertTrue(again.summary().startsWith("unchanged"), again.summary());
        assertTrue(text().contains("one SelfSubjectRulesReview"), text());
        assertEquals(1, sent.stream().filter(r -> r.uri().contains("/selfsubjectrulesreviews")).count(), listing);
        assertEquals(0, sent.stream().filter(r -> r.uri().contains("/selfsubjectaccessreviews")).count(), listing);
        assertEquals(1, sent.stream().filter(r -> r.uri().equals("/api/v1/namespaces/monitoring")).count(), listing);
        // 24 = 8 preflight reads (the Cilium pool CRD twice: vip-in-pool, then the pool list picking its version),
        // 1 rules review, 12 for the apply (GET + apply PATCH per object), 3 status reads (rollout, VIP, Lease).
        // It was 40 with an access review per verb and kind; the goal of 10 is not met (docs/benchmarks.md).
        assertTrue(sent.size() <= 24, sent.size() + " requests:\n" + listing);
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
