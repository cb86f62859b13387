package dev.migrate.cluster;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.RealComponents;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.TimeUnit;
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

/**
 * The fabric8 edge against a real kube-apiserver 1.35 ({@link KubeApiServer}): kubeconfig and
 * context handling, error mapping (the real 401 and 403), and the shape of its requests as the
 * server's audit log records them.
 */
class Fabric8ClusterTest {
    @TempDir
    Path tmp;
    KubeApiServer api;
    KubernetesClient admin;

    @BeforeEach
    void start() {
        api = KubeApiServer.shared();
        admin = api.admin();
        Homelab.seed(api);
    }

    Cluster connect(String context) {
        return connectAs(context, KubeApiServer.OPERATOR);
    }

    Cluster connectAs(String context, String user) {
        return ClusterFactory.connect(Settings.defaults().with(Map.of("context", context,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, user).toString())));
    }

    @Test
    void theNamedContextIsUsedNotTheCurrentContext() {
        int mark = api.mark();
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            // current-context is work-eks (a closed port): any use of it would fail with "cannot reach"
            assertTrue(cluster.namespaceExists(Homelab.NS));
            assertEquals(api.url(), cluster.serverUrl());
            assertEquals(Homelab.CONTEXT, cluster.context());
        }
        KubeApiServer.Request first = api.requestsSince(mark).get(0);
        assertEquals("/api/v1/namespaces/monitoring", first.uri());
        assertEquals(KubeApiServer.OPERATOR, first.user(), "the named context's client certificate was used");
    }

    @Test
    void anUnknownContextIsOneLineListingTheContextsAvailable() {
        int mark = api.mark();
        UserError e = assertThrows(UserError.class, () -> connect("prod"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("context 'prod' is not in kubeconfig "), e.getMessage());
        assertTrue(e.getMessage().contains("contexts available: homelab, work-eks; pass one of them with --context"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(api.requestsSince(mark).isEmpty(), "nothing sent");
    }

    @Test
    void aContextNamingAMissingUserIsOneLineBeforeAnyRequest() {
        int mark = api.mark();
        Path kubeconfig = api.kubeconfigWithMissingUser(tmp, Homelab.CONTEXT);
        UserError e = assertThrows(UserError.class, () -> ClusterFactory.connect(Settings.defaults().with(
                Map.of("kubeconfig", kubeconfig.toString(), "context", Homelab.CONTEXT))));
        assertEquals("context 'homelab' in kubeconfig " + kubeconfig + " refers to user 'nobody', which the file does not"
                + " define; fix the kubeconfig", e.getMessage());
        assertTrue(api.requestsSince(mark).isEmpty(), "nothing sent (anonymously or otherwise)");
    }

    @Test
    void noContextNamedIsRefusedEvenThoughTheKubeconfigHasACurrentContext() {
        Path kubeconfig = api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.OPERATOR);
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
        String key = api.clientKeyData(KubeApiServer.OPERATOR);
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "client-key-data: " + key + "\n  - : [");
        UserError e = assertThrows(UserError.class, () -> Kubeconfig.load(bad, "homelab"));
        assertTrue(e.getMessage().contains("is not a kubeconfig"), e.getMessage());
        assertFalse(e.getMessage().contains(key));

        Path dir = Files.createDirectory(tmp.resolve("a-directory.yaml"));
        UserError d = assertThrows(UserError.class, () -> Kubeconfig.load(dir, "homelab"));
        assertTrue(d.getMessage().contains("is a directory, not a file"), d.getMessage());
    }

    @Test
    void anUnreachableApiServerNamesServerAndContextNeverTheKey() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path kubeconfig = tmp.resolve("closed.yaml");
        Files.writeString(kubeconfig, Files.readString(api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.OPERATOR))
                .replace(api.url(), "https://127.0.0.1:" + closed));
        try (Cluster cluster = ClusterFactory.connect(Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", kubeconfig.toString())))) {
            long start = System.nanoTime();
            ClusterException e = assertThrows(ClusterException.class, () -> cluster.namespaceExists("monitoring"));
            assertEquals(ClusterException.Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot reach the API server https://127.0.0.1:" + closed
                    + " (context homelab) for get namespaces monitoring"), e.getMessage());
            assertFalse(e.getMessage().contains(api.clientKeyData(KubeApiServer.OPERATOR)));
            assertEquals(ExitCodes.FAILED, e.exitCode());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "no retry back-off");
        }
    }

    @Test
    void aKubeconfigWhoseCaDoesNotMatchTheServerIsOneLineNamingTheTlsFailure() {
        Path kubeconfig = api.kubeconfigWithWrongCa(tmp, Homelab.CONTEXT);
        try (Cluster cluster = ClusterFactory.connect(Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", kubeconfig.toString())))) {
            ClusterException e = assertThrows(ClusterException.class, () -> cluster.namespaceExists("monitoring"));
            assertEquals(ClusterException.Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot reach the API server " + api.url() + " (context homelab)"), e.getMessage());
            assertTrue(e.getMessage().contains("for get namespaces monitoring: TLS failed ("), e.getMessage());
            assertTrue(e.getMessage().endsWith("check that the kubeconfig's certificate-authority-data is this cluster's CA"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void unauthorizedAndForbiddenAreClearErrors() {
        try (Cluster stranger = connectAs(Homelab.CONTEXT, KubeApiServer.STRANGER);
             Cluster nobody = connectAs(Homelab.CONTEXT, KubeApiServer.NOBODY)) {
            // A client certificate signed by a CA the server does not trust: the real server (anonymous
            // auth on, its default) drops it and answers 403 for system:anonymous, not the 401 the double gave.
            ClusterException e401 = assertThrows(ClusterException.class, () -> stranger.namespaceExists("monitoring"));
            assertEquals(ClusterException.Kind.UNAUTHORIZED, e401.kind(), e401.getMessage());
            assertTrue(e401.getMessage().contains("the API server " + api.url() + " (context homelab) answered 403 Forbidden"
                    + " to get namespaces monitoring as system:anonymous: it did not accept the kubeconfig's credentials"), e401.getMessage());
            assertTrue(e401.getMessage().endsWith("renew them and retry"), e401.getMessage());

            // An expired client certificate from the right CA is different: the real server answers 401.
            try (Cluster expired = connectAs(Homelab.CONTEXT, KubeApiServer.EXPIRED)) {
                ClusterException ex = assertThrows(ClusterException.class, () -> expired.namespaceExists("monitoring"));
                assertEquals(ClusterException.Kind.UNAUTHORIZED, ex.kind(), ex.getMessage());
                assertTrue(ex.getMessage().contains("(context homelab) answered 401 Unauthorized to get namespaces monitoring: the"
                        + " kubeconfig's credentials are missing, expired or revoked; renew them and retry"), ex.getMessage());
            }

            // an unknown bearer token: the real server answers 401
            Path tokenConfig = api.kubeconfigWithUnknownToken(tmp, Homelab.CONTEXT, "s3cr3t-token-never-printed");
            try (Cluster token = ClusterFactory.connect(Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                    "kubeconfig", tokenConfig.toString())))) {
                ClusterException t401 = assertThrows(ClusterException.class, () -> token.namespaceExists("monitoring"));
                assertEquals(ClusterException.Kind.UNAUTHORIZED, t401.kind());
                assertTrue(t401.getMessage().contains("(context homelab) answered 401 Unauthorized to get namespaces monitoring"),
                        t401.getMessage());
                assertFalse(t401.getMessage().contains("s3cr3t-token-never-printed"));
            }

            // authenticated, but RBAC grants nothing: the real 403
            ClusterException e403 = assertThrows(ClusterException.class, nobody::services);
            assertEquals(ClusterException.Kind.FORBIDDEN, e403.kind());
            assertTrue(e403.getMessage().contains("answered 403 Forbidden to list services in all namespaces"), e403.getMessage());
            for (ClusterException e : List.of(e401, e403)) {
                assertFalse(e.getMessage().contains(api.clientKeyData(KubeApiServer.STRANGER)));
                assertFalse(e.getMessage().contains(api.clientKeyData(KubeApiServer.NOBODY)));
            }
        }
    }

    @Test
    void serverSideApplySendsAnApplyPatchWithFieldManagerMigrateAndForceOnlyWhenAsked() {
        ManifestObject cm = Homelab.bundle().objects().get(0);
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            int mark = api.mark();
            Map<String, Object> created = cluster.apply(cm, false, false);
            Map<String, Object> forced = cluster.apply(cm, true, false);
            Map<String, Object> dry = cluster.apply(cm, false, true);

            List<KubeApiServer.Request> applies = api.requestsSince(mark);
            assertEquals(3, applies.size(), applies.toString());
            for (KubeApiServer.Request r : applies) {
                assertEquals("patch", r.verb());
                assertTrue(r.uri().startsWith("/api/v1/namespaces/monitoring/configmaps/otel-collector-config?"), r.uri());
                assertTrue(r.uri().contains("fieldManager=migrate"), r.uri());
                assertTrue(r.uri().contains("fieldValidation=Strict"), r.uri());
            }
            assertFalse(applies.get(0).uri().contains("force"), applies.get(0).uri());
            assertTrue(applies.get(1).uri().contains("force=true"), applies.get(1).uri());
            assertTrue(applies.get(2).uri().contains("dryRun=All"), applies.get(2).uri());
            assertFalse(applies.get(2).uri().contains("force"), applies.get(2).uri());
            assertEquals("receivers:\n  otlp: {}\n", Trees.text(created, "data", "config.yaml"));
            assertEquals(Trees.text(created, "metadata", "resourceVersion"), Trees.text(forced, "metadata", "resourceVersion"),
                    "a no-op apply keeps the resourceVersion");
            assertEquals(Trees.text(created, "metadata", "resourceVersion"), Trees.text(dry, "metadata", "resourceVersion"));
            // The server records an Apply by manager migrate: only a real apply-patch does that.
            var managed = admin.configMaps().inNamespace("monitoring").withName("otel-collector-config").get()
                    .getMetadata().getManagedFields();
            assertEquals(List.of("migrate/Apply"), managed.stream().map(m -> m.getManager() + "/" + m.getOperation()).toList());
        }
    }

    @Test
    void aConflictNamesTheObjectTheManagerAndTheField() {
        ManifestObject cm = Homelab.bundle().objects().get(0);
        try (Cluster cluster = connect(Homelab.CONTEXT)) {
            admin.resource("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: otel-collector-config, namespace: monitoring}
                    data: {config.yaml: hand edited}
                    """).fieldManager("kubectl-edit").serverSideApply();

            ApplyConflictException e = assertThrows(ApplyConflictException.class, () -> cluster.apply(cm, false, false));

            assertEquals(List.of("kubectl-edit"), e.managers());
            assertEquals(List.of(".data.config.yaml"), e.fields());
            assertTrue(e.getMessage().startsWith("ConfigMap/monitoring/otel-collector-config: field-manager conflict with kubectl-edit"
                    + " on .data.config.yaml"), e.getMessage());
            assertEquals("hand edited", admin.configMaps().inNamespace("monitoring").withName("otel-collector-config")
                    .get().getData().get("config.yaml"));
        }
    }

    @Test
    void readsServicesPoolsLeasesAndTheServiceProxy() throws Exception {
        // An older Cilium: the pool CRD serves only v2alpha1. Made from the real CRD by dropping its v2 version.
        String crdName = "ciliumloadbalancerippools.cilium.io";
        var crds = admin.apiextensions().v1().customResourceDefinitions();
        crds.withName(crdName).delete();
        crds.withName(crdName).waitUntilCondition(java.util.Objects::isNull, 60, TimeUnit.SECONDS);
        CustomResourceDefinition crd;
        try (var in = Files.newInputStream(RealComponents.binary("cilium", "crds").resolve("ciliumloadbalancerippools.yaml"))) {
            crd = crds.load(in).item();
        }
        crd.getSpec().getVersions().removeIf(v -> v.getName().equals("v2"));
        crd.getSpec().getVersions().get(0).setStorage(true);
        crds.resource(crd).create();
        crds.withName(crdName).waitUntilCondition(KubeApiServer::established, 60, TimeUnit.SECONDS);
        try {
            admin.genericKubernetesResources(Homelab.ctx("cilium.io", "v2alpha1", "CiliumLoadBalancerIPPool",
                    "ciliumloadbalancerippools", false)).resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                    .withApiVersion("cilium.io/v2alpha1").withKind("CiliumLoadBalancerIPPool")
                    .withNewMetadata().withName("old-pool").endMetadata()
                    .addToAdditionalProperties("spec", Map.of("blocks", List.of(Map.of("cidr", "10.10.40.0/24")))).build()).create();
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
                // No Service loki-gateway: the real proxy answers 404 naming it.
                ClusterException noLoki = assertThrows(ClusterException.class,
                        () -> cluster.serviceProxyGet("monitoring", "loki-gateway:80", "/config"));
                assertTrue(noLoki.getMessage().contains("answered 404: services \"loki-gateway\" not found (server"), noLoki.getMessage());
                assertTrue(noLoki.getMessage().contains("services \"loki-gateway\" not found"), noLoki.getMessage());
                assertTrue(cluster.canI("patch", "", "configmaps", "monitoring"));
                assertFalse(cluster.canI("delete", "", "configmaps", "monitoring"), "homelab-operator may not delete");
                assertFalse(cluster.canI("patch", "", "configmaps", "default"), "nor write outside monitoring");
            }
            // The real server authorizes before it looks the kind up: homelab-operator gets a 403 for a
            // kind it has no grant on, CRD or not (the double answered 404); with the grant, a 404.
            try (Cluster admin = connectAs(Homelab.CONTEXT, KubeApiServer.ADMIN)) {
                assertTrue(admin.get("monitoring.coreos.com/v1", "Probe", "monitoring", "x").isEmpty(),
                        "a kind whose CRD is missing reads as absent");
            }
        } finally {
            crds.withName(crdName).delete();
            crds.withName(crdName).waitUntilCondition(java.util.Objects::isNull, 60, TimeUnit.SECONDS);
        }
    }
}
