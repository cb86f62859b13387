package dev.migrate.cluster;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fabric8 edge: kubeconfig and context handling, error mapping, and the shape of its requests. */
class Fabric8ClusterTest {
    @TempDir
    Path tmp;
    FakeApiServer api;

    @BeforeEach
    void start() {
        api = new FakeApiServer();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    Cluster connect(String context) throws IOException {
        return ClusterFactory.connect(Settings.defaults().with(Map.of("context", context,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT).toString())));
    }

    @Test
    void theNamedContextIsUsedNotTheCurrentContext() throws IOException {
        Homelab.seed(api);
        api.clearRequests();
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            // current-context is work-eks (a closed port): any use of it would fail with "cannot reach"
            assertTrue(cluster.namespaceExists(Homelab.NS));
            assertEquals(api.url(), cluster.serverUrl());
            assertEquals(Homelab.CONTEXT, cluster.context());
        }
        assertEquals("/api/v1/namespaces/monitoring", api.requests().get(0).path());
        assertEquals("Bearer " + FakeApiServer.TOKEN, api.requests().get(0).authorization());
    }

    @Test
    void anUnknownContextIsOneLineListingTheContextsAvailable() {
        UserError e = assertThrows(UserError.class, () -> connect("prod"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("context 'prod' is not in kubeconfig "), e.getMessage());
        assertTrue(e.getMessage().contains("contexts available: homelab, work-eks; pass one of them with --context"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(api.requests().isEmpty(), "nothing sent");
    }

    @Test
    void noContextNamedIsRefusedEvenThoughTheKubeconfigHasACurrentContext() throws IOException {
        Path kubeconfig = api.kubeconfig(tmp, Homelab.CONTEXT);
        UserError e = assertThrows(UserError.class, () -> ClusterFactory.connect(Settings.defaults().with(
                Map.of("kubeconfig", kubeconfig.toString()))));
        assertTrue(e.getMessage().startsWith("no kubeconfig context named: pass --context NAME or set context: in migrate.yaml"),
                e.getMessage());
        assertTrue(e.getMessage().contains("homelab, work-eks"), e.getMessage());
    }

    @Test
    void aMissingKubeconfigNamesTheFileAndTheFlag() {
        Path missing = tmp.resolve("nope.yaml");
        UserError e = assertThrows(UserError.class, () -> ClusterFactory.connect(Settings.defaults().with(
                Map.of("kubeconfig", missing.toString(), "context", "homelab"))));
        assertEquals("kubeconfig " + missing + " does not exist; pass --kubeconfig FILE with the homelab's kubeconfig"
                + " (e.g. ~/.kube/homelab.yaml)", e.getMessage());
    }

    @Test
    void anUnreadableOrMalformedKubeconfigIsOneLineWithoutItsContent() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "token: " + FakeApiServer.TOKEN + "\n  - : [");
        UserError e = assertThrows(UserError.class, () -> Kubeconfig.load(bad, "homelab"));
        assertTrue(e.getMessage().contains("is not a kubeconfig"), e.getMessage());
        assertFalse(e.getMessage().contains(FakeApiServer.TOKEN));

        Path dir = Files.createDirectory(tmp.resolve("a-directory.yaml"));
        UserError d = assertThrows(UserError.class, () -> Kubeconfig.load(dir, "homelab"));
        assertTrue(d.getMessage().contains("is a directory, not a file"), d.getMessage());
    }

    @Test
    void anUnreachableApiServerNamesServerAndContextNeverTheToken() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path kubeconfig = tmp.resolve("closed.yaml");
        Files.writeString(kubeconfig, Files.readString(api.kubeconfig(tmp, Homelab.CONTEXT))
                .replace(api.url(), "http://127.0.0.1:" + closed));
        try (Cluster cluster = ClusterFactory.connect(Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", kubeconfig.toString())))) {
            long start = System.nanoTime();
            ClusterException e = assertThrows(ClusterException.class, () -> cluster.namespaceExists("monitoring"));
            assertEquals(ClusterException.Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot reach the API server http://127.0.0.1:" + closed
                    + " (context homelab) for get namespaces monitoring"), e.getMessage());
            assertFalse(e.getMessage().contains(FakeApiServer.TOKEN));
            assertEquals(ExitCodes.FAILED, e.exitCode());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "no retry back-off");
        }
    }

    @Test
    void unauthorizedAndForbiddenAreClearErrors() throws IOException {
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            api.answerEverything(401);
            ClusterException e401 = assertThrows(ClusterException.class, () -> cluster.namespaceExists("monitoring"));
            assertEquals(ClusterException.Kind.UNAUTHORIZED, e401.kind());
            assertTrue(e401.getMessage().contains("the API server " + api.url() + " (context homelab) answered 401 Unauthorized"),
                    e401.getMessage());
            assertTrue(e401.getMessage().endsWith("renew them and retry"), e401.getMessage());

            api.answerEverything(403);
            ClusterException e403 = assertThrows(ClusterException.class, () -> cluster.services());
            assertEquals(ClusterException.Kind.FORBIDDEN, e403.kind());
            assertTrue(e403.getMessage().contains("answered 403 Forbidden to list services in all namespaces"), e403.getMessage());
            for (ClusterException e : List.of(e401, e403)) {
                assertFalse(e.getMessage().contains(FakeApiServer.TOKEN));
            }
        }
    }

    @Test
    void serverSideApplySendsAnApplyPatchWithFieldManagerMigrateAndForceOnlyWhenAsked() throws IOException {
        Homelab.seed(api);
        ManifestObject cm = Homelab.bundle().objects().get(0);
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            api.clearRequests();
            Map<String, Object> created = cluster.apply(cm, false, false);
            Map<String, Object> forced = cluster.apply(cm, true, false);
            Map<String, Object> dry = cluster.apply(cm, false, true);

            List<FakeApiServer.Seen> applies = api.applies();
            assertEquals(3, applies.size(), api.requests().toString());
            for (FakeApiServer.Seen s : applies) {
                assertEquals("PATCH", s.method());
                assertEquals("/api/v1/namespaces/monitoring/configmaps/otel-collector-config", s.path());
                assertTrue(s.contentType().startsWith("application/apply-patch+yaml"), s.contentType());
                assertTrue(s.query().contains("fieldManager=migrate"), s.query());
                assertTrue(s.body().contains("\"managed-by\"") || s.body().contains("app.kubernetes.io/managed-by"), s.body());
            }
            assertFalse(applies.get(0).query().contains("force"), applies.get(0).query());
            assertTrue(applies.get(1).query().contains("force=true"), applies.get(1).query());
            assertTrue(applies.get(2).query().contains("dryRun=All"), applies.get(2).query());
            assertFalse(applies.get(2).query().contains("force"), applies.get(2).query());
            assertEquals("receivers:\n  otlp: {}\n", Trees.text(created, "data", "config.yaml"));
            assertEquals(Trees.text(created, "metadata", "resourceVersion"), Trees.text(forced, "metadata", "resourceVersion"),
                    "a no-op apply keeps the resourceVersion");
            assertEquals(Trees.text(created, "metadata", "resourceVersion"), Trees.text(dry, "metadata", "resourceVersion"));
        }
    }

    @Test
    void aConflictNamesTheObjectTheManagerAndTheField() throws IOException {
        Homelab.seed(api);
        ManifestObject cm = Homelab.bundle().objects().get(0);
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            api.client().configMaps().inNamespace("monitoring").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                    .withNewMetadata().withName("otel-collector-config").endMetadata()
                    .addToData("config.yaml", "hand edited").build()).create();
            api.ownField("/api/v1/namespaces/monitoring/configmaps/otel-collector-config", "kubectl-edit", "data", "config.yaml");

            ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> cluster.apply(cm, false, false));

            assertEquals(List.of("kubectl-edit"), e.managers());
            assertEquals(List.of(".data.config.yaml"), e.fields());
            assertTrue(e.getMessage().startsWith("ConfigMap/monitoring/otel-collector-config: field-manager conflict with kubectl-edit"
                    + " on .data.config.yaml"), e.getMessage());
            assertEquals("hand edited", api.client().configMaps().inNamespace("monitoring").withName("otel-collector-config")
                    .get().getData().get("config.yaml"));
        }
    }

    @Test
    void readsServicesPoolsLeasesAndTheServiceProxy() throws IOException {
        Homelab.seed(api);
        // an older Cilium: the pool CRD serves only v2alpha1 and uses spec.cidrs
        api.client().apiextensions().v1().customResourceDefinitions().withName("ciliumloadbalancerippools.cilium.io").delete();
        Homelab.crd(api.client(), "cilium.io", "v2alpha1", "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false);
        api.client().genericKubernetesResources(Homelab.ctx("cilium.io", "v2alpha1", "CiliumLoadBalancerIPPool",
                "ciliumloadbalancerippools", false)).resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("cilium.io/v2alpha1").withKind("CiliumLoadBalancerIPPool")
                .withNewMetadata().withName("old-pool").endMetadata()
                .addToAdditionalProperties("spec", Map.of("cidrs", List.of(Map.of("cidr", "10.10.40.0/24")))).build()).create();
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            List<ServiceLb> services = cluster.services();
            ServiceLb gitlab = services.stream().filter(s -> s.name().equals("gitlab-ssh")).findFirst().orElseThrow();
            assertEquals(List.of("10.10.30.21"), gitlab.requestedIps(), "older io.cilium/lb-ipam-ips annotation read");
            assertEquals(List.of("10.10.30.21"), gitlab.ingressIps());

            List<IpPool> pools = cluster.ipPools();
            assertEquals(1, pools.size());
            assertEquals("old-pool", pools.get(0).name());
            assertTrue(pools.get(0).covers("10.10.40.7"));
            assertFalse(pools.get(0).covers("10.10.30.22"));

            assertFalse(cluster.l2AnnouncementLeaseExists("monitoring", "otel-collector"));
            api.clearRequests();
            assertEquals(Homelab.LOKI_CONFIG, cluster.serviceProxyGet("monitoring", "loki:3100", "/config"));
            assertEquals("Bearer " + FakeApiServer.TOKEN, api.requests().get(0).authorization(),
                    "the proxy request carries the named context's credentials");
            ClusterException noLoki = assertThrows(ClusterException.class,
                    () -> cluster.serviceProxyGet("monitoring", "loki-gateway:80", "/config"));
            assertTrue(noLoki.getMessage().contains("answered 503: "), noLoki.getMessage());
            assertTrue(cluster.canI("patch", "", "configmaps", "monitoring"));
            api.deny("patch", "", "configmaps");
            assertFalse(cluster.canI("patch", "", "configmaps", "monitoring"));
            assertTrue(cluster.get("monitoring.coreos.com/v1", "Probe", "monitoring", "x").isEmpty(),
                    "a kind whose CRD is missing reads as absent");
        }
    }
}
