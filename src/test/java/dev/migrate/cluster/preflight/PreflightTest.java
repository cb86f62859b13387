package dev.migrate.cluster.preflight;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterException;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.settings.Settings;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every preflight check, passing on the homelab as REFERENCE.md describes it and failing on each way it differs. */
class PreflightTest {
    @TempDir
    Path tmp;
    FakeApiServer api;
    Cluster cluster;
    Settings settings;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        Homelab.seed(api);
        settings = settings(Map.of());
        cluster = ClusterFactory.connect(settings);
    }

    @AfterEach
    void stop() {
        cluster.close();
        api.close();
    }

    Settings settings(Map<String, String> extra) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT).toString()));
        flags.putAll(extra);
        return Settings.defaults().with(flags);
    }

    CheckResult run(PreflightCheck check) {
        return run(check, settings, Homelab.bundle());
    }

    CheckResult run(PreflightCheck check, Settings s, Bundle bundle) {
        LokiConfigSource loki = LokiConfigSource.viaProxy(cluster, s.namespace(), s.lokiService());
        return check.run(new PreflightContext(s, bundle, cluster, loki.read(), loki.description()));
    }

    static void assertFails(CheckResult r, String observed, String fix) {
        assertEquals(Status.FAIL, r.status(), r.toString());
        assertTrue(r.observed().contains(observed), r.observed());
        assertTrue(r.fix().contains(fix), r.fix());
        assertTrue(!r.cause().isEmpty(), "a failure names its cause");
    }

    @Test
    void everyCheckPassesOnTheHomelab() {
        List<CheckResult> results = Preflight.standard().run(new PreflightContext(settings, Homelab.bundle(), cluster,
                LokiConfigSource.viaProxy(cluster, "monitoring", "loki:3100").read(), "proxy"), Set.of());
        assertEquals(Preflight.standard().names(), results.stream().map(CheckResult::name).toList());
        results.forEach(r -> assertEquals(Status.PASS, r.status(), r.toString()));
    }

    @Test
    void contextNotNamedFails() throws Exception {
        Settings unnamed = Settings.defaults().with(Map.of("kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT).toString()));
        assertFails(run(new ContextNamedCheck(), unnamed, Homelab.bundle()), "no context",
                "pass --context or set context: in migrate.yaml");
        assertTrue(run(new ContextNamedCheck()).observed().contains("server " + api.url()));
    }

    @Test
    void missingNamespaceFails() throws Exception {
        assertFails(run(new NamespaceCheck(), settings(Map.of("namespace", "observability")), Homelab.bundle()),
                "namespace observability not found", "pass --namespace");
    }

    @Test
    void missingCrdsFail() {
        api.client().apiextensions().v1().customResourceDefinitions().withName("prometheusrules.monitoring.coreos.com").delete();
        assertFails(run(new CrdsCheck()), "missing CRD prometheusrules.monitoring.coreos.com", "install kube-prometheus-stack");
    }

    @Test
    void aReleaseSelectorOurLabelsDoNotCarryFailsWithTheLabelToAdd() {
        Homelab.prometheus(api, Map.of("matchLabels", Map.of("release", "kube-prometheus-stack")), Map.of(),
                Map.of(), Map.of());
        CheckResult r = run(new PrometheusSelectsCheck());
        assertFails(r, "ServiceMonitor/monitoring/otel-collector not selected (Prometheus monitoring/prometheus-kube-prometheus-prometheus:"
                + " serviceMonitorSelector release=kube-prometheus-stack does not match labels", "label the ServiceMonitor with release=kube-prometheus-stack");
        assertTrue(r.fix().contains("serviceMonitorSelectorNilUsesHelmValues=false"), r.fix());
        assertTrue(!r.observed().contains("PrometheusRule"), "ruleSelector {} selects the rule: " + r.observed());
    }

    @Test
    void anUnsetObjectSelectorSelectsNothingButAnEmptyOneSelectsEverything() {
        Homelab.prometheus(api, Map.of(), Map.of(), null, Map.of());
        assertFails(run(new PrometheusSelectsCheck()), "ruleSelector is unset, which selects no rule objects",
                "set prometheus.prometheusSpec.ruleSelector");
        Homelab.prometheus(api, Map.of(), Map.of(), Map.of(), Map.of());
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
    }

    @Test
    void namespaceSelectorsAreHonoured() {
        // nil namespace selector: only the Prometheus object's own namespace, which is ours: selected
        Homelab.prometheus(api, Map.of(), null, Map.of(), null);
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
        // a namespace selector our namespace's labels do not satisfy
        Homelab.prometheus(api, Map.of(), Map.of("matchLabels", Map.of("monitoring", "enabled")), Map.of(), Map.of());
        assertFails(run(new PrometheusSelectsCheck()), "serviceMonitorNamespaceSelector monitoring=enabled does not match namespace monitoring",
                "make Prometheus monitoring/prometheus-kube-prometheus-prometheus select the ServiceMonitor");
        // matchExpressions on the automatic kubernetes.io/metadata.name label
        Homelab.prometheus(api, Map.of("matchExpressions", List.of(Map.of("key", "team", "operator", "DoesNotExist"))),
                Map.of("matchExpressions", List.of(Map.of("key", "kubernetes.io/metadata.name", "operator", "In",
                        "values", List.of("monitoring", "apps")))), Map.of(), Map.of());
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
    }

    @Test
    void noPrometheusObjectFails() {
        api.client().genericKubernetesResources(Homelab.ctx("monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true))
                .inNamespace("monitoring").withName("prometheus-kube-prometheus-prometheus").delete();
        assertFails(run(new PrometheusSelectsCheck()), "no Prometheus object", "pass --namespace");
    }

    @Test
    void aVipRequestedOrHeldByAnotherServiceFails() throws Exception {
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.53")), Homelab.bundle()),
                "10.10.30.53 already used: adguard/adguard-dns requests it", "choose a free address in the pool with --vip");
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.21")), Homelab.bundle()),
                "gitlab/gitlab-ssh requests it", "release it from gitlab/gitlab-ssh");
        Homelab.service(api.client(), "media", "jellyfin", Map.of(), "10.10.30.40");
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.40")), Homelab.bundle()),
                "media/jellyfin holds it", "--vip");
    }

    @Test
    void ourOwnServiceHoldingTheVipIsARedeployNotAConflict() {
        Homelab.service(api.client(), "monitoring", "otel-collector", Map.of("lbipam.cilium.io/ips", Homelab.VIP), Homelab.VIP);
        CheckResult r = run(new VipFreeCheck());
        assertEquals(Status.PASS, r.status(), r.toString());
        assertTrue(r.observed().contains("any of 2 other Services"), r.observed());
    }

    @Test
    void aVipOutsideEveryPoolFailsAndNoCiliumMeansNothingToCheck() throws Exception {
        assertFails(run(new VipInPoolCheck(), settings(Map.of("vip", "10.10.30.120", "lb-pool", "10.10.30.100-10.10.30.130")),
                Homelab.bundle()), "10.10.30.120 is in no enabled pool (pools: homelab-pool [10.10.30.20-10.10.30.99])",
                "add a block covering 10.10.30.120");
        Homelab.pool(api, "cidr-pool", List.of(Map.of("cidr", "10.10.30.112/28")));
        assertEquals(Status.PASS, run(new VipInPoolCheck(), settings(Map.of("vip", "10.10.30.120",
                "lb-pool", "10.10.30.100-10.10.30.130")), Homelab.bundle()).status());

        api.client().apiextensions().v1().customResourceDefinitions().withName("ciliumloadbalancerippools.cilium.io").delete();
        CheckResult none = run(new VipInPoolCheck());
        assertEquals(Status.SKIPPED, none.status());
        assertTrue(none.observed().contains("not installed"), none.observed());
    }

    @Test
    void rbacDeniedWritesAreListed() {
        api.deny("patch", "apps", "deployments");
        api.deny("create", "monitoring.coreos.com", "prometheusrules");
        assertFails(run(new RbacCheck()), "denied in namespace monitoring: patch deployments.apps, create prometheusrules.monitoring.coreos.com",
                "grant them with a Role/RoleBinding in monitoring");
    }

    @Test
    void lokiWithoutStructuredMetadataOrSchemaV13Fails() {
        api.proxy("monitoring", "loki:3100", "/config", Homelab.LOKI_CONFIG.replace("allow_structured_metadata: true",
                "allow_structured_metadata: false"));
        assertFails(run(new LokiOtlpCheck()), "allow_structured_metadata=false", "allow_structured_metadata: true");

        api.proxy("monitoring", "loki:3100", "/config", Homelab.LOKI_CONFIG.replace("store: tsdb", "store: boltdb-shipper")
                .replace("schema: v13", "schema: v12"));
        assertFails(run(new LokiOtlpCheck()), "newest schema period v12/boltdb-shipper", "schema: v13 and store: tsdb");

        api.proxy("monitoring", "loki:3100", "/config", "<html>404 page not found</html>");
        assertFails(run(new LokiOtlpCheck()), "did not answer a YAML mapping", "--loki-url");
    }

    @Test
    void lokiUnreachableThroughTheProxyFailsNamingTheService() throws Exception {
        CheckResult r = run(new LokiOtlpCheck(), settings(Map.of("loki-service", "loki-gateway:80")), Homelab.bundle());
        assertFails(r, "cannot read Loki's /config via service proxy monitoring/loki-gateway:80", "pass --loki-url");
        assertTrue(r.observed().contains("answered 503"), r.observed());
    }

    @Test
    void lokiConfigCanComeFromLokiUrl() throws Exception {
        try (MockWebServer loki = new MockWebServer()) {
            // Loki's GET /config answers its running config as YAML text
            loki.enqueue(new MockResponse().setBody(Homelab.LOKI_CONFIG).setHeader("Content-Type", "text/plain; charset=utf-8"));
            loki.start(InetAddress.getLoopbackAddress(), 0);
            LokiConfigSource source = LokiConfigSource.viaUrl(java.net.URI.create("http://127.0.0.1:" + loki.getPort() + "/"));
            CheckResult r = new LokiOtlpCheck().run(new PreflightContext(settings, Homelab.bundle(), cluster, source.read(),
                    source.description()));
            assertEquals(Status.PASS, r.status(), r.toString());
            assertEquals("/config", loki.takeRequest().getPath());
            assertTrue(r.observed().contains("via http://127.0.0.1:"), r.observed());
        }
    }

    @Test
    void aForbiddenReadFailsThatCheckButUnauthorizedStopsTheRun() {
        Preflight one = new Preflight(List.of(new VipFreeCheck()));
        PreflightContext ctx = new PreflightContext(settings, Homelab.bundle(), cluster, () -> "", "none");
        api.answerEverything(403);
        CheckResult r = one.run(ctx, Set.of()).get(0);
        assertFails(r, "403 Forbidden to list services in all namespaces", "--skip-check vip-free");

        api.answerEverything(401);
        ClusterException e = assertThrows(ClusterException.class, () -> one.run(ctx, Set.of()));
        assertEquals(ClusterException.Kind.UNAUTHORIZED, e.kind());
    }

    @Test
    void aSkippedCheckIsNotRunAndSaysWhy() {
        api.answerEverything(401); // any request would throw
        List<CheckResult> r = new Preflight(List.of(new VipFreeCheck())).run(new PreflightContext(settings, Homelab.bundle(),
                cluster, () -> "", "none"), Set.of("vip-free"));
        assertEquals(Status.SKIPPED, r.get(0).status());
        assertEquals(Preflight.SKIPPED_BY_FLAG, r.get(0).cause());
    }
}
