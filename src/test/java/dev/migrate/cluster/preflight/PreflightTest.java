package dev.migrate.cluster.preflight;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterException;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.migrate.testsupport.LokiDouble;
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

/**
 * Every preflight check, passing on the homelab as {@link dev.migrate.cluster.Homelab} seeds it and failing on each way
 * it differs, against a real kube-apiserver 1.35 with the real prometheus-operator and Cilium CRDs
 * and real RBAC ({@link KubeApiServer}). Loki stays a double (AGPL, and the real service proxy
 * will not reach 127.0.0.1), served at --loki-url; the proxy path is checked on the real server
 * for a Service with no endpoints (503) and a missing Service (404).
 */
class PreflightTest {
    @TempDir
    Path tmp;
    KubeApiServer api;
    KubernetesClient c;
    Cluster cluster;
    Settings settings;
    LokiDouble loki;

    @BeforeEach
    void start() throws Exception {
        api = KubeApiServer.shared();
        c = api.admin();
        Homelab.seed(api);
        settings = settings(Map.of());
        cluster = ClusterFactory.connect(settings);
        loki = new LokiDouble().config(Homelab.LOKI_CONFIG);
    }

    @AfterEach
    void stop() {
        cluster.close();
        loki.close();
    }

    Settings settings(Map<String, String> extra) {
        return settingsAs(KubeApiServer.OPERATOR, extra);
    }

    Settings settingsAs(String user, Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, user).toString()));
        flags.putAll(extra);
        return Settings.defaults().with(flags);
    }

    LokiConfigSource lokiDouble() {
        return LokiConfigSource.viaUrl(java.net.URI.create(loki.url()));
    }

    CheckResult run(PreflightCheck check) {
        return run(check, settings, Homelab.bundle());
    }

    CheckResult run(PreflightCheck check, Settings s, Bundle bundle) {
        LokiConfigSource source = lokiDouble();
        return check.run(new PreflightContext(s, bundle, cluster, source.read(), source.description()));
    }

    /** One check as another user, through {@link Preflight} (which turns a 403 on a read into that check's failure). */
    CheckResult runAs(String user, PreflightCheck check) {
        Settings s = settingsAs(user, Map.of());
        try (Cluster other = ClusterFactory.connect(s)) {
            LokiConfigSource source = lokiDouble();
            return new Preflight(List.of(check)).run(new PreflightContext(s, Homelab.bundle(), other, source.read(),
                    source.description()), Set.of()).get(0);
        }
    }

    /** Deletes a CRD and waits until the real server has finished (it first removes the CRD's objects). */
    void deleteCrd(String name) {
        c.apiextensions().v1().customResourceDefinitions().withName(name).delete();
        c.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(java.util.Objects::isNull,
                60, java.util.concurrent.TimeUnit.SECONDS);
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
                lokiDouble().read(), lokiDouble().description()), Set.of());
        assertEquals(Preflight.standard().names(), results.stream().map(CheckResult::name).toList());
        results.forEach(r -> assertEquals(Status.PASS, r.status(), r.toString()));
    }

    @Test
    void contextNotNamedFails() throws Exception {
        Settings unnamed = Settings.defaults().with(Map.of("kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.OPERATOR).toString()));
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
        deleteCrd("prometheusrules.monitoring.coreos.com");
        assertFails(run(new CrdsCheck()), "missing CRD prometheusrules.monitoring.coreos.com", "install kube-prometheus-stack");
    }

    @Test
    void aReleaseSelectorOurLabelsDoNotCarryFailsWithTheLabelToAdd() {
        Homelab.prometheus(c, Map.of("matchLabels", Map.of("release", "kube-prometheus-stack")), Map.of(),
                Map.of(), Map.of());
        CheckResult r = run(new PrometheusSelectsCheck());
        assertFails(r, "ServiceMonitor/monitoring/otel-collector not selected (Prometheus monitoring/prometheus-kube-prometheus-prometheus:"
                + " serviceMonitorSelector release=kube-prometheus-stack does not match labels", "label the ServiceMonitor with release=kube-prometheus-stack");
        assertTrue(r.fix().contains("serviceMonitorSelectorNilUsesHelmValues=false"), r.fix());
        assertTrue(!r.observed().contains("PrometheusRule"), "ruleSelector {} selects the rule: " + r.observed());
    }

    @Test
    void anUnsetObjectSelectorSelectsNothingButAnEmptyOneSelectsEverything() {
        Homelab.prometheus(c, Map.of(), Map.of(), null, Map.of());
        assertFails(run(new PrometheusSelectsCheck()), "ruleSelector is unset, which selects no rule objects",
                "set prometheus.prometheusSpec.ruleSelector");
        Homelab.prometheus(c, Map.of(), Map.of(), Map.of(), Map.of());
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
    }

    @Test
    void namespaceSelectorsAreHonoured() {
        // nil namespace selector: only the Prometheus object's own namespace, which is ours: selected
        Homelab.prometheus(c, Map.of(), null, Map.of(), null);
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
        // a namespace selector our namespace's labels do not satisfy
        Homelab.prometheus(c, Map.of(), Map.of("matchLabels", Map.of("monitoring", "enabled")), Map.of(), Map.of());
        assertFails(run(new PrometheusSelectsCheck()), "serviceMonitorNamespaceSelector monitoring=enabled does not match namespace monitoring",
                "make Prometheus monitoring/prometheus-kube-prometheus-prometheus select the ServiceMonitor");
        // matchExpressions on the automatic kubernetes.io/metadata.name label
        Homelab.prometheus(c, Map.of("matchExpressions", List.of(Map.of("key", "team", "operator", "DoesNotExist"))),
                Map.of("matchExpressions", List.of(Map.of("key", "kubernetes.io/metadata.name", "operator", "In",
                        "values", List.of("monitoring", "apps")))), Map.of(), Map.of());
        assertEquals(Status.PASS, run(new PrometheusSelectsCheck()).status());
    }

    @Test
    void noPrometheusObjectFails() {
        c.genericKubernetesResources(Homelab.ctx("monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true))
                .inNamespace("monitoring").withName("prometheus-kube-prometheus-prometheus").delete();
        assertFails(run(new PrometheusSelectsCheck()), "no Prometheus object", "pass --namespace");
    }

    @Test
    void aVipRequestedOrHeldByAnotherServiceFails() throws Exception {
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.53")), Homelab.bundle()),
                "10.10.30.53 already used: adguard/adguard-dns requests it", "choose a free address in the pool with --vip");
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.21")), Homelab.bundle()),
                "gitlab/gitlab-ssh requests it", "release it from gitlab/gitlab-ssh");
        Homelab.service(c, "media", "jellyfin", Map.of(), "10.10.30.40");
        assertFails(run(new VipFreeCheck(), settings(Map.of("vip", "10.10.30.40")), Homelab.bundle()),
                "media/jellyfin holds it", "--vip");
    }

    @Test
    void ourOwnServiceHoldingTheVipIsARedeployNotAConflict() {
        Homelab.service(c, "monitoring", "otel-collector", Map.of("lbipam.cilium.io/ips", Homelab.VIP), Homelab.VIP);
        CheckResult r = run(new VipFreeCheck());
        assertEquals(Status.PASS, r.status(), r.toString());
        // gitlab-ssh, adguard-dns and the API server's own default/kubernetes, which a real server always has
        assertTrue(r.observed().contains("any of 3 other Services"), r.observed());
    }

    @Test
    void aVipOutsideEveryPoolFailsAndNoCiliumMeansNothingToCheck() throws Exception {
        assertFails(run(new VipInPoolCheck(), settings(Map.of("vip", "10.10.30.120", "lb-pool", "10.10.30.100-10.10.30.130")),
                Homelab.bundle()), "10.10.30.120 is in no enabled pool (pools: homelab-pool [10.10.30.20-10.10.30.99])",
                "add a block covering 10.10.30.120");
        Homelab.pool(c, "cidr-pool", List.of(Map.of("cidr", "10.10.30.112/28")));
        assertEquals(Status.PASS, run(new VipInPoolCheck(), settings(Map.of("vip", "10.10.30.120",
                "lb-pool", "10.10.30.100-10.10.30.130")), Homelab.bundle()).status());

        deleteCrd("ciliumloadbalancerippools.cilium.io");
        CheckResult none = run(new VipInPoolCheck());
        assertEquals(Status.SKIPPED, none.status());
        assertTrue(none.observed().contains("not installed"), none.observed());
    }

    @Test
    void theOperatorPassesRbacAndTheUserLackingOneVerbFailsNamingVerbAndResource() {
        CheckResult ok = run(new RbacCheck());
        assertEquals(Status.PASS, ok.status(), ok.toString());
        assertTrue(ok.observed().contains("allowed: 15 of 15"), ok.observed());

        assertFails(runAs(KubeApiServer.RESTRICTED, new RbacCheck()),
                "denied in namespace monitoring: patch servicemonitors.monitoring.coreos.com",
                "grant them with a Role/RoleBinding in monitoring");
    }

    @Test
    void lokiWithoutStructuredMetadataOrSchemaV13Fails() {
        loki.config(Homelab.LOKI_CONFIG.replace("allow_structured_metadata: true", "allow_structured_metadata: false"));
        assertFails(run(new LokiOtlpCheck()), "allow_structured_metadata=false", "allow_structured_metadata: true");

        loki.config(Homelab.LOKI_CONFIG.replace("store: tsdb", "store: boltdb-shipper").replace("schema: v13", "schema: v12"));
        assertFails(run(new LokiOtlpCheck()), "newest schema period v12/boltdb-shipper", "schema: v13 and store: tsdb");

        loki.config("<html>404 page not found</html>");
        assertFails(run(new LokiOtlpCheck()), "did not answer a YAML mapping", "--loki-url");
    }

    @Test
    void lokiWithNoEndpointsThroughTheRealProxyIsA503NamingTheService() {
        // A Service whose selector matches no pod: the real proxy answers 503, not a hang or an HTML page.
        c.services().inNamespace("monitoring").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
                .withName("loki-gateway").endMetadata().withNewSpec().addToSelector("app", "loki").addNewPort().withName("http")
                .withPort(80).endPort().endSpec().build()).create();
        // What the endpoints controller writes for a Service no pod matches (this server runs no controllers).
        c.endpoints().inNamespace("monitoring").resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata()
                .withName("loki-gateway").endMetadata().build()).create();
        Settings s = settings(Map.of("loki-service", "loki-gateway:80"));
        LokiConfigSource proxy = LokiConfigSource.viaProxy(cluster, s.namespace(), s.lokiService());
        CheckResult r = new LokiOtlpCheck().run(new PreflightContext(s, Homelab.bundle(), cluster, proxy.read(), proxy.description()));
        assertFails(r, "cannot read Loki's /config via service proxy monitoring/loki-gateway:80", "pass --loki-url");
        assertTrue(r.observed().contains("answered 503"), r.observed());
        assertTrue(r.observed().contains("no endpoints available for service"), r.observed());

        Settings missing = settings(Map.of("loki-service", "loki-read:3100"));
        LokiConfigSource none = LokiConfigSource.viaProxy(cluster, missing.namespace(), missing.lokiService());
        CheckResult r404 = new LokiOtlpCheck().run(new PreflightContext(missing, Homelab.bundle(), cluster, none.read(),
                none.description()));
        assertFails(r404, "via service proxy monitoring/loki-read:3100", "pass --loki-url");
        assertTrue(r404.observed().contains("services \"loki-read\" not found"), r404.observed());
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
        CheckResult r = runAs(KubeApiServer.NOBODY, new VipFreeCheck());
        assertFails(r, "403 Forbidden to list services in all namespaces", "--skip-check vip-free");

        Settings s = settingsAs(KubeApiServer.STRANGER, Map.of());
        try (Cluster stranger = ClusterFactory.connect(s)) {
            PreflightContext ctx = new PreflightContext(s, Homelab.bundle(), stranger, () -> "", "none");
            ClusterException e = assertThrows(ClusterException.class, () -> one.run(ctx, Set.of()));
            assertEquals(ClusterException.Kind.UNAUTHORIZED, e.kind());
        }
    }

    @Test
    void aSkippedCheckIsNotRunAndSaysWhy() {
        Settings s = settingsAs(KubeApiServer.STRANGER, Map.of()); // any request would throw 401
        int mark = api.mark();
        try (Cluster stranger = ClusterFactory.connect(s)) {
            List<CheckResult> r = new Preflight(List.of(new VipFreeCheck())).run(new PreflightContext(s, Homelab.bundle(),
                    stranger, () -> "", "none"), Set.of("vip-free"));
            assertEquals(Status.SKIPPED, r.get(0).status());
            assertEquals(Preflight.SKIPPED_BY_FLAG, r.get(0).cause());
        }
        assertTrue(api.requestsSince(mark).isEmpty(), api.requestsSince(mark).toString());
    }
}
