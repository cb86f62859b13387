package dev.migrate.testsupport;

import dev.migrate.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver (k8s.io/kubernetes, built by scripts/real-components) on etcd, both on
 * 127.0.0.1 ephemeral ports, envtest-style: no controllers, so the test plays the Deployment
 * controller and Cilium by writing status. Started once per test JVM ({@link #shared()}) and
 * stopped by a shutdown hook, because a cold start costs seconds and every cluster test needs one.
 * <ul>
 *   <li>TLS with a test CA; client certificates for {@link #ADMIN} (system:masters),
 *       {@link #OPERATOR} (CN homelab-operator, bound to exactly what deploy needs: {@code rbac.yaml}
 *       in this package's resources) and {@link #RESTRICTED} (the same minus patch on
 *       servicemonitors); {@link #STRANGER} is signed by another CA, so the server answers 401.</li>
 *   <li>{@code --authorization-mode=RBAC}, service-account keys made by the test.</li>
 *   <li>The real CRDs of prometheus-operator and Cilium, from their Go modules (not committed).</li>
 *   <li>An audit log at Metadata level: every request's verb, URI (with query) and user, so a
 *       test can count and inspect what migrate sent.</li>
 * </ul>
 * Written rather than fabric8's kube-api-test because that library is not in our Maven list, lays
 * binaries out in its own directory scheme, and sets up one admin user, while these tests need
 * three users with RBAC, an audit log and a restart on the same port.
 */
public final class KubeApiServer {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "homelab-operator";
    public static final String RESTRICTED = "homelab-restricted";
    public static final String STRANGER = "stranger";
    /** homelab-operator's name and CA, but a certificate whose notAfter is its notBefore: expired by the time it is used. */
    public static final String EXPIRED = "homelab-operator-expired";
    /** The harness's own client (seeding, reading back), left out of {@link #requestsSince}. */
    private static final String HARNESS = "harness-admin";
    /** Authenticated, with no RBAC binding at all: every read but discovery and self-review is a 403. */
    public static final String NOBODY = "homelab-nobody";
    /** The CRDs the harness installs, as the projects publish them. */
    public static final List<String> CRDS = List.of("servicemonitors.monitoring.coreos.com",
            "prometheusrules.monitoring.coreos.com", "prometheuses.monitoring.coreos.com", "ciliumloadbalancerippools.cilium.io");

    private static KubeApiServer shared;
    private static AssertionError failed;

    private final Path dir;
    private final TestPki pki;
    private final Etcd etcd;
    private final int port;
    private final List<String> apiserverArgs;
    private final Duration startup;
    private ApiServerProcess apiserver;
    private final KubernetesClient admin;

    /** One audit event: what a client asked, as the server logged it (userAgent tells migrate from a controller of a world). */
    public record Request(String verb, String uri, String user, int code, String userAgent) {
    }

    /** The server for this JVM, started on first use. */
    public static synchronized KubeApiServer shared() {
        if (failed != null) {
            throw failed; // one failed start is enough: every later test fails at once with the same reason
        }
        if (shared == null) {
            try {
                shared = new KubeApiServer(List.of());
            } catch (AssertionError | RuntimeException e) {
                failed = e instanceof AssertionError a ? a : new AssertionError("the test API server did not start: " + e, e);
                throw failed;
            }
            KubeApiServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /**
     * A server of the caller's own (not the shared one), e.g. for a world that runs the real
     * controllers against it; the caller closes it. {@code extraArgs} come after the harness's
     * own flags, so a repeated flag overrides it.
     */
    public static KubeApiServer startOwn(List<String> extraArgs) {
        return new KubeApiServer(extraArgs);
    }

    private KubeApiServer(List<String> extraArgs) {
        long start = System.nanoTime();
        Path apiserverBinary = RealComponents.binary("kubernetes", "kube-apiserver");
        Path etcdBinary = RealComponents.binary("etcd", "etcd");
        dir = ManagedProcess.tempDir("kube-apiserver-test");
        try {
            Files.createDirectories(dir.resolve("pki"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pki = new TestPki(dir.resolve("pki"));
        pki.client("ca", ADMIN, "admin", "system:masters");
        pki.client("ca", HARNESS, HARNESS, "system:masters");
        pki.client("ca", OPERATOR, OPERATOR);
        pki.client("ca", RESTRICTED, RESTRICTED);
        pki.client("ca", NOBODY, NOBODY);
        pki.client("ca", EXPIRED, 0, OPERATOR);
        pki.ca("other");
        pki.client("other", STRANGER, "admin", "system:masters");
        etcd = Etcd.start(etcdBinary);
        port = ManagedProcess.freePort();
        ManagedProcess.write(dir.resolve("audit-policy.yaml"), """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: Metadata
                """);
        List<String> args = new ArrayList<>(List.of(
                "--etcd-servers=" + etcd.url(),
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + port,
                "--tls-cert-file=" + pki.file("serving.crt"), "--tls-private-key-file=" + pki.file("serving.key"),
                "--client-ca-file=" + pki.file("ca.crt"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + pki.file("sa.pub"),
                "--service-account-signing-key-file=" + pki.file("sa.key"),
                "--service-cluster-ip-range=10.0.0.0/24",
                // 127.0.0.1 is not a valid Endpoints address, so the reconciler of the "kubernetes"
                // Service would only log errors; envtest turns it off the same way.
                "--endpoint-reconciler-type=none",
                // Without kube-controller-manager nobody removes the pvc-protection finalizer, so a
                // PVC could never be deleted between tests.
                "--disable-admission-plugins=StorageObjectInUseProtection,ServiceAccount",
                "--cert-dir=" + dir.resolve("certs"),
                "--audit-log-path=" + dir.resolve("audit.log"), "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
                "--profiling=false"));
        args.addAll(extraArgs);
        apiserverArgs = List.copyOf(args);
        apiserver = ApiServerProcess.start(apiserverBinary, dir, port, apiserverArgs);
        admin = client(HARNESS);
        try {
            apiserver.awaitReady(Duration.ofSeconds(90), this::ready);
            installCrds();
            installRbac();
        } catch (AssertionError | RuntimeException e) {
            close(); // no server left running behind a failed start
            throw e;
        }
        startup = Duration.ofNanos(System.nanoTime() - start);
    }

    /** How long the first start took: building certificates, etcd, kube-apiserver, CRDs and RBAC. */
    public Duration startup() {
        return startup;
    }

    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public String version() {
        return admin.getKubernetesVersion().getGitVersion();
    }

    /** A client with system:masters, for seeding state and reading it back (not the code under test). */
    public KubernetesClient admin() {
        return admin;
    }

    /** A client for one of the users ({@link #ADMIN}, {@link #OPERATOR}, {@link #RESTRICTED}). */
    public KubernetesClient client(String user) {
        Config config = Config.fromKubeconfig("test", kubeconfigText("test", user, "ca.crt"), null);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * A kubeconfig whose context {@code context} reaches this server as {@code user}, and whose
     * current-context is a decoy on a closed port: only an explicit context reaches the server.
     */
    public Path kubeconfig(Path dir, String context, String user) {
        return writeKubeconfig(dir, kubeconfigText(context, user, "ca.crt"));
    }

    /** A kubeconfig that trusts another CA than the one that signed the server's certificate. */
    public Path kubeconfigWithWrongCa(Path dir, String context) {
        return writeKubeconfig(dir, kubeconfigText(context, OPERATOR, "other.crt"));
    }

    /** A kubeconfig whose user presents a bearer token the server does not know (the real 401). */
    public Path kubeconfigWithUnknownToken(Path dir, String context, String token) {
        String text = kubeconfigText(context, OPERATOR, "ca.crt");
        String users = text.substring(0, text.indexOf("users:\n"));
        return writeKubeconfig(dir, users + "users:\n- name: " + OPERATOR + "\n  user:\n    token: " + token + "\n");
    }

    /** A kubeconfig whose context names a user the file does not define. */
    public Path kubeconfigWithMissingUser(Path dir, String context) {
        return writeKubeconfig(dir, kubeconfigText(context, OPERATOR, "ca.crt").replace("user: " + OPERATOR + "\n",
                "user: nobody\n"));
    }

    /** The certificate and key file text must never be printed; tests grep output for this. */
    public String clientKeyData(String user) {
        return pki.data(user + ".key");
    }

    private String kubeconfigText(String context, String user, String caFile) {
        return """
                apiVersion: v1
                kind: Config
                current-context: work-eks
                clusters:
                - name: homelab
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                - name: work
                  cluster:
                    server: https://127.0.0.1:1
                contexts:
                - name: %s
                  context:
                    cluster: homelab
                    user: %s
                - name: work-eks
                  context:
                    cluster: work
                    user: %s
                users:
                - name: %s
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                """.formatted(url(), pki.data(caFile), context, user, user, user, pki.data(user + ".crt"),
                pki.data(user + ".key"));
    }

    private static Path writeKubeconfig(Path dir, String text) {
        Path file = dir.resolve(String.format("homelab-%08x.yaml", text.hashCode())); // always 8 digits: tests normalize the name
        ManagedProcess.write(file, text);
        return file;
    }

    // ---- what a test observes ----

    /** The number of audit events so far; pass it to {@link #requestsSince} to see what came after. */
    public int mark() {
        return auditLines().size();
    }

    /** Requests logged after {@code mark}, by any user but the harness's own client and the API server itself (its lease). */
    public List<Request> requestsSince(int mark) {
        return requestsSince(mark, true);
    }

    @SuppressWarnings("unchecked")
    private List<Request> requestsSince(int mark, boolean skipAdmin) {
        List<String> lines = auditLines();
        List<Request> out = new ArrayList<>();
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            try {
                Map<String, Object> e = Json.MAPPER.readValue(line, Map.class);
                String user = String.valueOf(((Map<String, Object>) e.getOrDefault("user", Map.of())).get("username"));
                if (skipAdmin && (HARNESS.equals(user) || "system:apiserver".equals(user))) {
                    continue;
                }
                Object status = ((Map<String, Object>) e.getOrDefault("responseStatus", Map.of())).get("code");
                out.add(new Request(String.valueOf(e.get("verb")), String.valueOf(e.get("requestURI")), user,
                        status instanceof Number n ? n.intValue() : 0, String.valueOf(e.get("userAgent"))));
            } catch (IOException ignored) {
                // a line cut short by a stop mid-write
            }
        }
        return out;
    }

    private List<String> auditLines() {
        try {
            Path log = dir.resolve("audit.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- faults a real server can produce ----

    /** Stops kube-apiserver (etcd and the data stay): clients now get connection refused. */
    public synchronized void stop() {
        apiserver.stopProcess();
    }

    /** Starts kube-apiserver again on the same port, with the same data, and waits until it is ready. */
    public synchronized void start() {
        if (apiserver.isAlive()) {
            return;
        }
        apiserver = ApiServerProcess.start(RealComponents.binary("kubernetes", "kube-apiserver"), dir, port, apiserverArgs);
        // /readyz says ok a moment before custom resources are served again: until then they answer
        // 429 "storage is (re)initializing". Wait for that too, for each CRD, as a client that retries would.
        apiserver.awaitReady(Duration.ofSeconds(90), () -> ready() && customResourcesServed());
    }

    private boolean customResourcesServed() {
        try {
            for (String[] kind : List.of(new String[]{"monitoring.coreos.com/v1", "Prometheus"},
                    new String[]{"monitoring.coreos.com/v1", "ServiceMonitor"}, new String[]{"monitoring.coreos.com/v1", "PrometheusRule"},
                    new String[]{"cilium.io/v2", "CiliumLoadBalancerIPPool"})) {
                admin.genericKubernetesResources(kind[0], kind[1]).inAnyNamespace().list();
            }
            return true;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    public boolean running() {
        return apiserver.isAlive();
    }

    // ---- setup ----

    private boolean ready() {
        try {
            return "ok".equals(admin.raw("/readyz"));
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** Installs any of {@link #CRDS} that is missing (a test may delete one) and waits until each is Established. */
    public void installCrds() {
        Path po = RealComponents.binary("prometheus_operator", "crds");
        Path cilium = RealComponents.binary("cilium", "crds");
        List<Path> files = List.of(po.resolve("monitoring.coreos.com_servicemonitors.yaml"),
                po.resolve("monitoring.coreos.com_prometheusrules.yaml"), po.resolve("monitoring.coreos.com_prometheuses.yaml"),
                cilium.resolve("ciliumloadbalancerippools.yaml"));
        for (Path file : files) {
            CustomResourceDefinition crd;
            try (InputStream in = Files.newInputStream(file)) {
                crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var op = admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName());
            // A CRD deleted by a test stays until the server has removed its objects; wait for that.
            op.waitUntilCondition(c -> c == null || c.getMetadata().getDeletionTimestamp() == null, 60, TimeUnit.SECONDS);
            if (op.get() == null) {
                admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            }
            op.waitUntilCondition(KubeApiServer::established, 60, TimeUnit.SECONDS);
        }
    }

    /** Whether the server has accepted the CRD's names and serves it (condition Established=True). */
    public static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(k -> "Established".equals(k.getType()) && "True".equals(k.getStatus()));
    }

    private void installRbac() {
        // The RoleBindings live in the homelab's namespace (monitoring), so it exists from the start.
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("monitoring").endMetadata().build()).create();
        try (InputStream in = KubeApiServer.class.getResourceAsStream("rbac.yaml")) {
            if (in == null) {
                throw new AssertionError("rbac.yaml is missing from src/test/resources/dev/migrate/testsupport");
            }
            for (HasMetadata item : admin.load(in).items()) {
                admin.resource(item).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the test PKI (ca.crt, sa.key, admin.crt, admin.key, ...), for the processes a world starts. */
    public Path pkiFile(String name) {
        return pki.file(name);
    }

    /**
     * A kubeconfig for a component (controller, kwok, operator) that uses its current context:
     * {@code user} on this server, nothing else in it.
     */
    public Path componentKubeconfig(Path dir, String user) {
        return writeKubeconfig(dir, kubeconfigText("homelab", user, "ca.crt").replace("current-context: work-eks",
                "current-context: homelab"));
    }

    /** Stops kube-apiserver and etcd and removes their files (the shared server does this at JVM exit). */
    public synchronized void close() {
        admin.close();
        apiserver.close();
        etcd.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }

    /** kube-apiserver as a {@link ManagedProcess}; readiness is a TLS probe with the admin certificate. */
    private static final class ApiServerProcess extends ManagedProcess {
        private ApiServerProcess(Path binary, Path dir, int port, List<String> args) {
            super(binary.toString(), "scripts/real-components kubernetes", dir, port, args);
        }

        static ApiServerProcess start(Path binary, Path dir, int port, List<String> args) {
            return new ApiServerProcess(binary, dir, port, args);
        }

        @Override
        public String url() {
            return "https://127.0.0.1:" + port();
        }
    }

    /** etcd as a {@link ManagedProcess}: client and peer ports on 127.0.0.1, no fsync (test data). */
    private static final class Etcd extends ManagedProcess {
        private Etcd(Path binary, Path dir, int port, List<String> args) {
            super(binary.toString(), "scripts/real-components etcd", dir, port, args);
        }

        static Etcd start(Path binary) {
            Path dir = tempDir("etcd-test");
            int client = freePort();
            int peer = freePort();
            Etcd e = new Etcd(binary, dir, client, List.of("--name=test", "--data-dir=" + dir.resolve("data"),
                    "--listen-client-urls=http://127.0.0.1:" + client, "--advertise-client-urls=http://127.0.0.1:" + client,
                    "--listen-peer-urls=http://127.0.0.1:" + peer, "--initial-advertise-peer-urls=http://127.0.0.1:" + peer,
                    "--initial-cluster=test=http://127.0.0.1:" + peer, "--unsafe-no-fsync", "--log-level=warn"));
            e.awaitReady(Duration.ofSeconds(30), () -> e.status("/health") == 200);
            return e;
        }
    }
}
