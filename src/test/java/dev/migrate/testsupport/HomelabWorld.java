package dev.migrate.testsupport;

import dev.migrate.testsupport.FakeHttpServer.Reply;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * A homelab in a box: the cluster the seed's plan deploys to, with the real controllers, inside
 * the private network namespace the suite runs in ({@code scripts/private-net}: only loopback, plus
 * local routes for the LAN 10.10.30.0/24 and the pod range 10.244.0.0/16, so an address of either
 * range answers on this machine and nothing leaves it).
 * <ul>
 *   <li>etcd, kube-apiserver, kube-controller-manager and kube-scheduler (k8s.io/kubernetes at the
 *       pinned version), and kwok playing one node and its kubelet: pods are scheduled by the real
 *       scheduler, get an IP from 10.244.0.0/16 and become Ready by kwok's own published stages;
 *       Deployments, ReplicaSets, StatefulSets and EndpointSlices are the real controllers' work.</li>
 *   <li>prometheus-operator (the pinned release) watching a Prometheus CR shaped like
 *       kube-prometheus-stack's ({@code release: prometheus} selectors). The operator makes the
 *       StatefulSet, kwok "runs" its pod, and this class plays that pod's kubelet and config
 *       reloader: the real Prometheus 3 runs the operator's generated config (the gzipped Secret)
 *       and rule files (its ConfigMaps), on the pod's IP, with Kubernetes service discovery
 *       against this API server.</li>
 *   <li>the bundle's real collector, started for the collector pod that deploy's Deployment gets,
 *       with the ConfigMap's config unmodified (0.0.0.0 listeners): it answers at its pod IP and at
 *       the VIP 10.10.30.22;</li>
 *   <li>a real Alertmanager behind kube-prometheus-stack's Service name; the Loki and Grafana
 *       doubles (both AGPL, never run here) on their pods' IPs, Grafana's playing its dashboard
 *       sidecar (it serves the dashboard ConfigMap deploy applied); a kube-state-metrics double
 *       serving the pods' container restart counters (the soak's collector-not-restarting), scraped
 *       through the chart's ServiceMonitor.</li>
 *   <li>Cilium LB IPAM, played by {@link LbIpam}: Cilium's agent needs eBPF, and cilium-operator is
 *       not built here (its module replaces k8s.io/apimachinery with Cilium's fork, so it would be a
 *       third full Kubernetes client build on a 2-core CI budget already spent on the others).</li>
 * </ul>
 * What the box cannot have, and plays instead: cluster DNS (a Service's DNS name in the collector's
 * environment is replaced by the ready endpoint's pod IP, as DNS plus kube-proxy would route it),
 * volume mounts (the operator's {@code /etc/prometheus/...} paths are mapped into this world's
 * directory), and in-cluster credentials (the Prometheus CR sets {@code apiserverConfig}, a field
 * kube-prometheus-stack exposes as {@code prometheusSpec.apiserverConfig}, so its service
 * discovery reaches this API server with a client certificate).
 */
public final class HomelabWorld implements AutoCloseable {
    public static final String NS = "monitoring";
    public static final String CONTEXT = "homelab";
    public static final String VIP = "10.10.30.22";
    public static final String NODE = "homelab-node-1";
    public static final String NODE_IP = "10.10.30.11";
    public static final String PROMETHEUS = "prometheus-kube-prometheus-prometheus";
    public static final String ALERTMANAGER = "prometheus-kube-prometheus-alertmanager";
    /**
     * A registry no node can pull from (.invalid never resolves): a pod with an image from it stays
     * Pending in ImagePullBackOff, never Ready, as the kubelet leaves it ({@link #UNPULLABLE_STAGE}).
     */
    public static final String UNPULLABLE_REGISTRY = "registry.invalid";
    /**
     * A kwok stage besides its published ones, playing the kubelet's image pull failing: for a pod
     * with an image from {@link #UNPULLABLE_REGISTRY} it outweighs pod-ready (weight 0), so the pod
     * keeps the status a kubelet gives it (Pending, ContainersNotReady, the container waiting in
     * ImagePullBackOff with the pull error). No timestamps, so applying it again changes nothing
     * and kwok does not loop on its own writes. No pod IP either, unlike a real sandbox: the
     * collector's "kubelet" here runs a process for a pod with an IP, and an image never pulled
     * must not run.
     */
    static final String UNPULLABLE_STAGE = overridingStage("pod-image-pull-back-off", "Pod", """
            - key: '.metadata.deletionTimestamp'
              operator: 'DoesNotExist'
            - key: '.spec.containers.[].image | startswith("%s/")'
              operator: 'In'
              values: ['true']
            """.formatted(UNPULLABLE_REGISTRY), """
            conditions:
            - status: "True"
              type: Initialized
            - status: "False"
              type: Ready
              reason: ContainersNotReady
              message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
            - status: "False"
              type: ContainersReady
              reason: ContainersNotReady
              message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
            containerStatuses:
            {{ range .spec.containers }}
            - image: {{ .image | Quote }}
              name: {{ .name | Quote }}
              ready: false
              started: false
              restartCount: 0
              state:
                waiting:
                  reason: ImagePullBackOff
                  message: {{ printf "Back-off pulling image %%q: ErrImagePull: failed to resolve reference %%q: dial tcp: lookup %s: no such host" .image .image | Quote }}
            {{ end }}
            phase: Pending
            """.formatted(UNPULLABLE_REGISTRY));
    /** A node labelled so ({@link #addNode}) has a kubelet that reports NotReady ({@link #KUBELET_DOWN_STAGE}). */
    public static final String KUBELET_DOWN_LABEL = "homelab.test/kubelet-down";
    /**
     * A kwok stage playing a kubelet whose CNI is down (on a homelab: the Cilium agent not running):
     * Ready=False with the kubelet's own reason and message. It outweighs node-initialize (weight 0)
     * for a node with {@link #KUBELET_DOWN_LABEL}; the node lifecycle controller then taints the node
     * not-ready and the scheduler keeps pods off it. No timestamps, so kwok does not loop on it.
     */
    static final String KUBELET_DOWN_STAGE = overridingStage("node-kubelet-not-ready", "Node", """
            - key: '.metadata.labels["%s"]'
              operator: 'In'
              values: ['true']
            """.formatted(KUBELET_DOWN_LABEL), """
            conditions:
            - type: Ready
              status: "False"
              reason: KubeletNotReady
              message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized'
            phase: Running
            """);

    /**
     * A kwok stage (one YAML document and its separator) that wins over kwok's published ones for
     * what it selects: they have no weight, and kwok picks only among weighted stages when any has one.
     */
    private static String overridingStage(String name, String kind, String matchExpressions, String statusTemplate) {
        return """
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: Stage
                metadata:
                  name: %s
                spec:
                  resourceRef:
                    apiGroup: v1
                    kind: %s
                  selector:
                    matchExpressions:
                %s  weight: 10000
                  next:
                    statusTemplate: |
                %s---
                """.formatted(name, kind, matchExpressions.indent(4), statusTemplate.indent(6));
    }
    static final ResourceDefinitionContext PROMETHEUS_CR = ctx("monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true);
    static final ResourceDefinitionContext POOL = ctx("cilium.io", "v2", "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false);

    private final Path dir = ManagedProcess.tempDir("homelab-world");
    private final Map<String, Duration> startup = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final KubeApiServer api;
    private final KubernetesClient admin;
    private final Path componentKubeconfig;
    private final Server controllerManager;
    private final Server scheduler;
    private final Server kwok;
    private volatile Server operator;
    private final LokiDouble loki;
    private final FakeHttpServer grafana;
    private final Server alertmanager;
    private final FakeHttpServer kubeStateMetrics;
    private final PrometheusPod prometheus;
    private final CollectorPods collectors;
    private final LbIpam lbIpam;

    private HomelabWorld() {
        long all = System.nanoTime();
        try {
            api = timed("etcd + kube-apiserver", () -> KubeApiServer.startOwn(List.of(
                    // The Services' ClusterIPs; nothing routes them here (there is no kube-proxy), and
                    // nothing needs them: scrapes and proxies go to pod IPs.
                    "--service-cluster-ip-range=10.96.0.0/16")));
            closeables.add(api::close);
            admin = api.admin();
            componentKubeconfig = api.componentKubeconfig(dir, KubeApiServer.ADMIN);
            timed("prometheus-operator CRDs", () -> {
                installOperatorCrds();
                return null;
            });
            controllerManager = timed("kube-controller-manager", this::startControllerManager);
            scheduler = timed("kube-scheduler", () -> kube("kube-scheduler", List.of(
                    "--kubeconfig=" + componentKubeconfig, "--leader-elect=false", "--secure-port=0")));
            kwok = timed("kwok + node Ready", this::startKwok);
            operator = timed("prometheus-operator", this::startOperator);
            lbIpam = new LbIpam(admin);
            closeables.add(lbIpam);
            pool("homelab-pool", "10.10.30.20", "10.10.30.99");
            // The addresses the homelab already hands out (.20 gateway, .21 GitLab SSH, .53 AdGuard).
            takenService("gitlab", "gitlab-ssh", "10.10.30.21");
            takenService("adguard", "adguard-dns", "10.10.30.53");
            loki = timed("loki (double)", () -> {
                String ip = runPod("loki-0", Map.of("app.kubernetes.io/name", "loki", "app.kubernetes.io/instance", "loki"),
                        "loki", "grafana/loki:3.6.3", 3100, "http-metrics");
                service("loki", Map.of("app.kubernetes.io/name", "loki"), 3100, 3100, "http-metrics");
                LokiDouble l = new LokiDouble(FakeHttpServer.startOn(ip, 3100));
                closeables.add(l);
                return l;
            });
            grafana = timed("grafana (double)", this::startGrafana);
            alertmanager = timed("alertmanager", this::startAlertmanager);
            kubeStateMetrics = timed("kube-state-metrics (double)", this::startKubeStateMetrics);
            prometheus = timed("prometheus (operator's config)", () -> new PrometheusPod(this));
            closeables.add(prometheus);
            collectors = new CollectorPods(this);
            closeables.add(collectors);
        } catch (RuntimeException | AssertionError e) {
            close();
            throw e;
        }
        startup.put("whole world", Duration.ofNanos(System.nanoTime() - all));
    }

    /** Starts the whole world; fails (naming scripts/real-components) when a component is not built. */
    public static HomelabWorld start() {
        return new HomelabWorld();
    }

    // ---- what tests use ----

    public KubernetesClient admin() {
        return admin;
    }

    public KubeApiServer api() {
        return api;
    }

    /** A kubeconfig as the user keeps it: context {@link #CONTEXT} (admin on this cluster) beside a decoy current context. */
    public Path userKubeconfig(Path dir) {
        return api.kubeconfig(dir, CONTEXT, KubeApiServer.ADMIN);
    }

    /**
     * The migrate.yaml lines of a user of this cluster on {@code laptop}: its {@link #userKubeconfig} (written into the
     * laptop's home) and the context; every other setting is the default.
     */
    public String laptopSettings(Laptop laptop) {
        return "kubeconfig: " + userKubeconfig(laptop.home()) + "\ncontext: " + CONTEXT + "\n";
    }

    /** How long each part took to start, in start order, and the whole world. */
    public Map<String, Duration> startup() {
        return Map.copyOf(startup);
    }

    public String startupReport() {
        StringBuilder sb = new StringBuilder();
        startup.forEach((k, v) -> sb.append(String.format("  %-32s %6d ms%n", k, v.toMillis())));
        return sb.toString();
    }

    public LokiDouble loki() {
        return loki;
    }

    public PrometheusPod prometheus() {
        return prometheus;
    }

    /** The collector process running for the current collector pod (null before deploy). */
    public Server collector() {
        return collectors.current();
    }

    public String alertmanagerUrl() {
        return alertmanager.url();
    }

    /** The operator's process; {@link #restartOperator()} replaces it. */
    public Server operator() {
        return operator;
    }

    public void stopOperator() {
        operator.stopProcess();
    }

    public void restartOperator() {
        operator.close();
        operator = startOperator();
    }

    /**
     * Stops kube-apiserver (etcd, the controllers, kwok and the operator stay), runs {@code whileDown},
     * starts it again on the same port and data and waits until it serves the custom resources.
     * An outage longer than the controller-manager's node grace period (20 s here) lets the node
     * lifecycle controller mark the node NotReady and its pods not ready; a real kubelet re-reports
     * Ready at its next status sync, but kwok 0.8's pod-ready stage matches only a Pending pod, so
     * for 2 minutes after the restart this world re-reports Ready for a running pod of a Ready node
     * that was marked not ready, as that kubelet would.
     */
    public void restartApiServer(Runnable whileDown) {
        api.stop();
        whileDown.run();
        api.start();
        Thread sync = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (System.nanoTime() < deadline) {
                try {
                    if (nodeReady(NODE)) {
                        for (Pod p : admin.pods().inAnyNamespace().list().getItems()) {
                            reReportReady(p);
                        }
                    }
                } catch (RuntimeException e) {
                    // the server may still be settling: next round
                }
                ManagedProcess.sleep(1000);
            }
        }, "kubelet-status-sync");
        sync.setDaemon(true);
        sync.start();
    }

    private void reReportReady(Pod p) {
        if (!NODE.equals(p.getSpec().getNodeName()) || p.getStatus() == null || p.getStatus().getPodIP() == null
                || p.getMetadata().getDeletionTimestamp() != null || p.getStatus().getConditions() == null
                || p.getStatus().getConditions().stream().noneMatch(c -> "Ready".equals(c.getType()) && "False".equals(c.getStatus()))) {
            return;
        }
        p.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()) || "ContainersReady".equals(c.getType()))
                .forEach(c -> {
                    c.setStatus("True");
                    c.setReason(null);
                    c.setMessage(null);
                    c.setLastTransitionTime(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                });
        if (p.getStatus().getContainerStatuses() != null) {
            p.getStatus().getContainerStatuses().forEach(c -> c.setReady(true));
        }
        admin.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).updateStatus();
    }

    /** Replaces the Prometheus CR (kube-prometheus-stack's shape) with these selectors. */
    public void prometheusSelects(Map<String, String> serviceMonitorLabels, Map<String, String> ruleLabels) {
        admin.genericKubernetesResources(PROMETHEUS_CR).inNamespace(NS).resource(prometheusCr(serviceMonitorLabels, ruleLabels))
                .serverSideApply();
    }

    /** Logs of every process of the world, for a failing test's message. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (Server s : List.of(controllerManager, scheduler, kwok, operator)) {
            if (s != null) {
                String text = s.logText();
                sb.append("---- ").append(s.name).append(" (last 3000 chars)\n")
                        .append(text.substring(Math.max(0, text.length() - 3000))).append('\n');
            }
        }
        return sb.toString();
    }

    // ---- start-up ----

    private <T> T timed(String what, Supplier<T> start) {
        long t = System.nanoTime();
        T value = start.get();
        startup.put(what, Duration.ofNanos(System.nanoTime() - t));
        if (value instanceof AutoCloseable c && !closeables.contains(c)) {
            closeables.add(c);
        }
        return value;
    }

    /** A command of the multi-call Kubernetes binary, by its symlink. */
    private Server kube(String command, List<String> args) {
        return new Server(command, RealComponents.binary("kubernetes", command), "scripts/real-components kubernetes",
                ManagedProcess.tempDir(command), "127.0.0.1", 0, args, Map.of());
    }

    private Server startControllerManager() {
        Server s = kube("kube-controller-manager", List.of("--kubeconfig=" + componentKubeconfig, "--leader-elect=false",
                "--secure-port=0", "--controllers=*",
                "--service-account-private-key-file=" + api.pkiFile("sa.key"), "--root-ca-file=" + api.pkiFile("ca.crt"),
                // Pods of a node that stops answering are marked not ready after this long (the default 50 s
                // would make the NotReady-node test wait for nothing but the clock).
                "--node-monitor-grace-period=20s"));
        // Ready when its controllers act: the service-account controller makes "default" in every namespace.
        s.awaitReady(Duration.ofSeconds(60), () -> admin.serviceAccounts().inNamespace(NS).withName("default").get() != null);
        return s;
    }

    private Server startKwok() {
        Path stages = RealComponents.binary("kwok", "kwok").getParent().resolve("stages");
        StringBuilder config = new StringBuilder();
        try (var files = Files.list(stages)) {
            for (Path f : files.sorted().toList()) {
                config.append(Files.readString(f)).append("\n---\n");
            }
        } catch (IOException e) {
            throw new AssertionError("kwok's stages are missing from " + stages + ": run scripts/real-components kwok", e);
        }
        config.append(UNPULLABLE_STAGE).append(KUBELET_DOWN_STAGE);
        Path kdir = ManagedProcess.tempDir("kwok");
        ManagedProcess.write(kdir.resolve("stages.yaml"), config.toString());
        Server s = new Server("kwok", RealComponents.binary("kwok", "kwok"), "scripts/real-components kwok", kdir, "127.0.0.1", 0,
                List.of("--kubeconfig=" + componentKubeconfig, "--config=" + kdir.resolve("stages.yaml"),
                        "--manage-all-nodes=true", "--cidr=10.244.0.0/16", "--node-ip=" + NODE_IP,
                        "--node-lease-duration-seconds=40"), Map.of());
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
                .addToLabels("kubernetes.io/hostname", NODE).addToLabels("kubernetes.io/os", "linux")
                .addToLabels("type", "kwok").addToAnnotations("kwok.x-k8s.io/node", "fake").endMetadata()
                .build()).create();
        s.awaitReady(Duration.ofSeconds(60), () -> nodeReady(NODE));
        return s;
    }

    /**
     * Another node for kwok to play; with {@code kubeletDown} its kubelet reports NotReady
     * ({@link #KUBELET_DOWN_STAGE}). Returns once the node has its Ready condition, either way.
     */
    public void addNode(String name, boolean kubeletDown) {
        var labels = new java.util.HashMap<>(Map.of("kubernetes.io/hostname", name, "kubernetes.io/os", "linux", "type", "kwok"));
        if (kubeletDown) {
            labels.put(KUBELET_DOWN_LABEL, "true");
        }
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
                .addToAnnotations("kwok.x-k8s.io/node", "fake").endMetadata().build()).create();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            var n = admin.nodes().withName(name).get();
            if (n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && (kubeletDown ? "False" : "True").equals(c.getStatus()))) {
                return;
            }
            ManagedProcess.sleep(200);
        }
        throw new AssertionError("kwok did not report node " + name + (kubeletDown ? " NotReady" : " Ready") + "\n" + logs());
    }

    boolean nodeReady(String node) {
        var n = admin.nodes().withName(node).get();
        return n != null && n.getStatus() != null && n.getStatus().getConditions() != null && n.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private Server startOperator() {
        int port = ManagedProcess.freePort();
        Server s = new Server("prometheus-operator", RealComponents.binary("prometheus_operator", "operator"),
                "scripts/real-components prometheus_operator", ManagedProcess.tempDir("prometheus-operator"), "127.0.0.1", port,
                List.of("--apiserver=" + api.url(), "--ca-file=" + api.pkiFile("ca.crt"),
                        "--cert-file=" + api.pkiFile(KubeApiServer.ADMIN + ".crt"), "--key-file=" + api.pkiFile(KubeApiServer.ADMIN + ".key"),
                        "--web.listen-address=127.0.0.1:" + port, "--kubelet-service=kube-system/prometheus-kube-prometheus-kubelet",
                        "--log-level=info"), Map.of());
        s.awaitReady(Duration.ofSeconds(60), () -> s.status("/healthz") == 200);
        return s;
    }

    private void installOperatorCrds() {
        Path crds = RealComponents.binary("prometheus_operator", "operator").getParent().resolve("crds");
        try (var files = Files.list(crds)) {
            for (Path file : files.sorted().toList()) {
                CustomResourceDefinition crd;
                try (InputStream in = Files.newInputStream(file)) {
                    crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
                }
                var op = admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName());
                if (op.get() == null) {
                    admin.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
                op.waitUntilCondition(KubeApiServer::established, 60, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private FakeHttpServer startGrafana() {
        String ip = runPod("prometheus-grafana-0", Map.of("app.kubernetes.io/name", "grafana", "app.kubernetes.io/instance", "prometheus"),
                "grafana", "grafana/grafana:12.1.1", 3000, "grafana");
        service("prometheus-grafana", Map.of("app.kubernetes.io/name", "grafana", "app.kubernetes.io/instance", "prometheus"),
                80, 3000, "http-web");
        FakeHttpServer g = FakeHttpServer.startOn(ip, 3000);
        // The dashboard sidecar loads ConfigMaps labelled grafana_dashboard=1: serve what is in the cluster now.
        g.on("/api/dashboards/uid/claude-code", r -> {
            for (var cm : admin.configMaps().inAnyNamespace().withLabel("grafana_dashboard", "1").list().getItems()) {
                for (String json : cm.getData().values()) {
                    if (json.contains("\"uid\": \"claude-code\"") || json.contains("\"uid\":\"claude-code\"")) {
                        String folder = cm.getMetadata().getAnnotations() == null ? "General"
                                : cm.getMetadata().getAnnotations().getOrDefault("grafana_folder", "General");
                        return Reply.json("{\"dashboard\":" + json + ",\"meta\":{\"slug\":\"claude-code\",\"folderTitle\":"
                                + quote(folder) + "}}");
                    }
                }
            }
            return Reply.json("{\"message\":\"Dashboard not found\"}").status(404);
        }).on("/api/datasources/uid/prometheus", Reply.json("{\"id\":1,\"uid\":\"prometheus\",\"name\":\"Prometheus\","
                        + "\"type\":\"prometheus\",\"url\":\"http://prometheus-kube-prometheus-prometheus.monitoring:9090/\"}"))
                .on("/api/datasources/uid/loki", Reply.json("{\"id\":2,\"uid\":\"loki\",\"name\":\"Loki\",\"type\":\"loki\","
                        + "\"url\":\"http://loki.monitoring:3100\"}"))
                .on("/api/health", Reply.json("{\"database\":\"ok\",\"version\":\"12.1.1\"}"));
        return g;
    }

    /**
     * kube-prometheus-stack's kube-state-metrics, as far as the soak reads it: the container restart
     * counters of every pod, from the pods' status in this API server (the real Deployment's pod, as
     * kwok reports it), scraped through the chart's ServiceMonitor by the operator's job. A double
     * because kube-state-metrics is not among the components built here; it serves only this one
     * metric, from the same source the real one reads.
     */
    private FakeHttpServer startKubeStateMetrics() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "kube-state-metrics", "app.kubernetes.io/instance", "prometheus");
        String ip = runPod("prometheus-kube-state-metrics-0", labels, "kube-state-metrics",
                "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.17.0", 8080, "http");
        admin.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("prometheus-kube-state-metrics")
                .withLabels(Map.of("app.kubernetes.io/name", "kube-state-metrics", "release", "prometheus")).endMetadata()
                .withNewSpec().withSelector(labels).addNewPort().withName("http").withPort(8080).withNewTargetPort(8080).endPort()
                .endSpec().build()).create();
        GenericKubernetesResource sm = new GenericKubernetesResource();
        sm.setApiVersion("monitoring.coreos.com/v1");
        sm.setKind("ServiceMonitor");
        sm.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(NS).withName("prometheus-kube-state-metrics")
                .withLabels(Map.of("release", "prometheus")).build());
        sm.setAdditionalProperty("spec", Map.of("selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "kube-state-metrics")),
                "endpoints", List.of(Map.of("port", "http", "honorLabels", true))));
        admin.genericKubernetesResources(ctx("monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", true))
                .inNamespace(NS).resource(sm).create();
        FakeHttpServer ksm = FakeHttpServer.startOn(ip, 8080);
        ksm.on("/metrics", r -> {
            StringBuilder out = new StringBuilder("# TYPE kube_pod_container_status_restarts_total counter\n");
            for (Pod p : admin.pods().inAnyNamespace().list().getItems()) {
                if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
                    continue;
                }
                for (var cs : p.getStatus().getContainerStatuses()) {
                    out.append(String.format("kube_pod_container_status_restarts_total{namespace=\"%s\",pod=\"%s\",uid=\"%s\",container=\"%s\"} %d%n",
                            p.getMetadata().getNamespace(), p.getMetadata().getName(), p.getMetadata().getUid(), cs.getName(),
                            cs.getRestartCount() == null ? 0 : cs.getRestartCount()));
                }
            }
            return Reply.text(200, out.toString());
        });
        return ksm;
    }

    private Server startAlertmanager() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "alertmanager", "alertmanager", ALERTMANAGER);
        String ip = runPod("alertmanager-" + ALERTMANAGER + "-0", labels, "alertmanager", "quay.io/prometheus/alertmanager:v0.31.1",
                9093, "http-web");
        service(ALERTMANAGER, labels, 9093, 9093, "http-web");
        Path adir = ManagedProcess.tempDir("alertmanager");
        ManagedProcess.write(adir.resolve("alertmanager.yml"), AlertmanagerProcess.NULL_ROUTE);
        Server s = new Server("alertmanager", RealComponents.binary("alertmanager", "alertmanager"), "scripts/real-components alertmanager",
                adir, ip, 9093, List.of("--config.file=" + adir.resolve("alertmanager.yml"), "--storage.path=" + adir.resolve("data"),
                "--web.listen-address=" + ip + ":9093", "--cluster.listen-address="), Map.of());
        s.awaitReady(Duration.ofSeconds(30), () -> s.status("/-/ready") == 200);
        return s;
    }

    // ---- cluster objects ----

    /** A bare pod that the scheduler places and kwok "runs"; returns the IP kwok gave it once it is Ready. */
    String runPod(String name, Map<String, String> labels, String container, String image, int port, String portName) {
        admin.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withContainers(new ContainerBuilder().withName(container).withImage(image)
                        .addNewPort().withName(portName).withContainerPort(port).endPort().build()).endSpec().build()).create();
        return awaitPodIp(name, Duration.ofSeconds(60));
    }

    String awaitPodIp(String name, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Pod p = admin.pods().inNamespace(NS).withName(name).get();
            if (p != null && ready(p)) {
                return p.getStatus().getPodIP();
            }
            ManagedProcess.sleep(100);
        }
        throw new AssertionError("pod " + NS + "/" + name + " got no IP and did not become Ready within " + limit + ": "
                + admin.pods().inNamespace(NS).withName(name).get() + "\n" + logs());
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getPodIP() != null && p.getMetadata().getDeletionTimestamp() == null
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void service(String name, Map<String, String> selector, int port, int targetPort, String portName) {
        admin.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withSelector(selector).addNewPort().withName(portName).withPort(port)
                .withNewTargetPort(targetPort).endPort().endSpec().build()).create();
    }

    private void pool(String name, String start, String stop) {
        GenericKubernetesResource p = new GenericKubernetesResource();
        p.setApiVersion("cilium.io/v2");
        p.setKind("CiliumLoadBalancerIPPool");
        p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
        p.setAdditionalProperty("spec", Map.of("blocks", List.of(Map.of("start", start, "stop", stop))));
        admin.genericKubernetesResources(POOL).resource(p).create();
    }

    /** A LoadBalancer Service of another team that already holds {@code ip} (LB IPAM gives it that address). */
    public void takenService(String ns, String name, String ip) {
        if (admin.namespaces().withName(ns).get() == null) {
            admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns)
                    .endMetadata().build()).create();
        }
        admin.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .addToAnnotations("lbipam.cilium.io/ips", ip).endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withPort(22).endPort().endSpec().build()).create();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Service s = admin.services().inNamespace(ns).withName(name).get();
            if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null && !s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
                return;
            }
            ManagedProcess.sleep(100);
        }
        throw new AssertionError("LB IPAM gave " + ns + "/" + name + " no address");
    }

    /** kube-prometheus-stack 82.x's Prometheus object (the chart's defaults), with these selectors. */
    GenericKubernetesResource prometheusCr(Map<String, String> serviceMonitorLabels, Map<String, String> ruleLabels) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("version", "v" + RealComponents.version("prometheus"));
        spec.put("image", "quay.io/prometheus/prometheus:v" + RealComponents.version("prometheus"));
        spec.put("replicas", 1);
        spec.put("shards", 1);
        spec.put("serviceAccountName", PROMETHEUS);
        spec.put("externalUrl", "http://" + PROMETHEUS + "." + NS + ":9090");
        spec.put("paused", false);
        spec.put("logLevel", "info");
        spec.put("logFormat", "logfmt");
        spec.put("listenLocal", false);
        spec.put("enableAdminAPI", false);
        spec.put("retention", "10d");
        spec.put("tsdb", Map.of("outOfOrderTimeWindow", "0s"));
        spec.put("walCompression", true);
        spec.put("routePrefix", "/");
        spec.put("portName", "http-web");
        spec.put("hostNetwork", false);
        spec.put("serviceMonitorSelector", Map.of("matchLabels", serviceMonitorLabels));
        spec.put("serviceMonitorNamespaceSelector", Map.of());
        spec.put("podMonitorSelector", Map.of("matchLabels", Map.of("release", "prometheus")));
        spec.put("podMonitorNamespaceSelector", Map.of());
        spec.put("probeSelector", Map.of("matchLabels", Map.of("release", "prometheus")));
        spec.put("probeNamespaceSelector", Map.of());
        spec.put("scrapeConfigSelector", Map.of("matchLabels", Map.of("release", "prometheus")));
        spec.put("scrapeConfigNamespaceSelector", Map.of());
        spec.put("ruleSelector", Map.of("matchLabels", ruleLabels));
        spec.put("ruleNamespaceSelector", Map.of());
        spec.put("alerting", Map.of("alertmanagers", List.of(Map.of("namespace", NS, "name", ALERTMANAGER,
                "port", "http-web", "pathPrefix", "/", "apiVersion", "v2"))));
        spec.put("securityContext", Map.of("fsGroup", 2000, "runAsGroup", 2000, "runAsNonRoot", true, "runAsUser", 1000,
                "seccompProfile", Map.of("type", "RuntimeDefault")));
        // Out of the cluster, service discovery needs an API server and credentials; in the cluster it
        // uses the pod's service account. The chart passes prometheusSpec.apiserverConfig through here.
        spec.put("apiserverConfig", Map.of("host", api.url(), "tlsConfig", Map.of(
                "caFile", api.pkiFile("ca.crt").toString(),
                "certFile", api.pkiFile(KubeApiServer.ADMIN + ".crt").toString(),
                "keyFile", api.pkiFile(KubeApiServer.ADMIN + ".key").toString())));
        GenericKubernetesResource p = new GenericKubernetesResource();
        p.setApiVersion("monitoring.coreos.com/v1");
        p.setKind("Prometheus");
        p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(NS).withName(PROMETHEUS)
                .withLabels(Map.of("app", "kube-prometheus-stack-prometheus", "release", "prometheus",
                        "app.kubernetes.io/managed-by", "Helm", "app.kubernetes.io/instance", "prometheus",
                        "app.kubernetes.io/part-of", "kube-prometheus-stack", "chart", "kube-prometheus-stack-82.1.0",
                        "heritage", "Helm")).build());
        p.setAdditionalProperty("spec", spec);
        return p;
    }

    private static String quote(String text) {
        try {
            return dev.migrate.Json.MAPPER.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ResourceDefinitionContext ctx(String group, String version, String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    static String secretText(Secret s, String key) {
        if (s == null || s.getData() == null || s.getData().get(key) == null) {
            return null;
        }
        byte[] bytes = Base64.getDecoder().decode(s.getData().get(key));
        if (key.endsWith(".gz")) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (operator != null) {
            operator.close(); // a restarted operator is not in the list
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // keep stopping the rest
            }
        }
        closeables.clear();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    // ---- the processes ----

    /** One real process of the world on {@code host:port} (port 0: it serves nothing the test reads). */
    public static final class Server extends ManagedProcess {
        final String name;
        private final String host;

        Server(String name, Path binary, String hint, Path dir, String host, int port, List<String> args, Map<String, String> env) {
            super(binary.toString(), hint, dir, port, args, env);
            this.name = name;
            this.host = host;
        }

        @Override
        public String url() {
            return "http://" + host + ":" + port();
        }

        @Override
        public void awaitReady(Duration limit, java.util.function.BooleanSupplier ready) {
            super.awaitReady(limit, ready);
        }
    }

    /**
     * The Prometheus pod the operator's StatefulSet gets, run as its kubelet and its config-reloader
     * sidecar would: once kwok has given the pod an IP, the real Prometheus 3 starts on that IP with
     * the operator's generated config and rule files; every second the Secret and the rule
     * ConfigMaps are read again, and a change is written out and reloaded (POST /-/reload), as
     * prometheus-config-reloader does.
     */
    public static final class PrometheusPod implements AutoCloseable {
        private final HomelabWorld world;
        private final Path home = ManagedProcess.tempDir("prometheus-pod");
        private final Thread reloader;
        private volatile Server process;
        private volatile String lastConfig = "";
        private volatile Map<String, String> lastRules = Map.of();
        private volatile boolean stopped;
        private volatile int reloads;

        PrometheusPod(HomelabWorld world) {
            this.world = world;
            world.prometheusSelects(Map.of("release", "prometheus"), Map.of("release", "prometheus"));
            String ip = world.awaitPodIp("prometheus-" + PROMETHEUS + "-0", Duration.ofSeconds(90));
            world.service(PROMETHEUS, Map.of("app.kubernetes.io/name", "prometheus", "operator.prometheus.io/name", PROMETHEUS),
                    9090, 9090, "http-web");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!sync() && System.nanoTime() < deadline) {
                ManagedProcess.sleep(200);
            }
            if (lastConfig.isEmpty()) {
                throw new AssertionError("prometheus-operator wrote no config Secret prometheus-" + PROMETHEUS + "\n" + world.logs());
            }
            Server s = new Server("prometheus", RealComponents.binary("prometheus", "prometheus"), "scripts/real-components prometheus",
                    home, ip, 9090, List.of("--config.file=" + home.resolve("config_out/prometheus.env.yaml"),
                    "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=" + ip + ":9090",
                    "--web.enable-lifecycle", "--web.route-prefix=/", "--storage.tsdb.retention.time=10d"), Map.of());
            s.awaitReady(Duration.ofSeconds(30), () -> s.status("/-/ready") == 200);
            process = s;
            reloader = new Thread(this::reloadLoop, "prometheus-config-reloader");
            reloader.setDaemon(true);
            reloader.start();
        }

        public Server process() {
            return process;
        }

        /** The config Prometheus runs now (the operator's, with the mount paths of this box). */
        public String config() {
            return lastConfig;
        }

        /** Rule files by name, as the operator wrote them into its ConfigMaps. */
        public Map<String, String> ruleFiles() {
            return lastRules;
        }

        public int reloads() {
            return reloads;
        }

        private void reloadLoop() {
            while (!stopped) {
                try {
                    if (sync() && process != null) {
                        post(process.url() + "/-/reload");
                        reloads++;
                    }
                } catch (RuntimeException e) {
                    // the API server may be restarting; try again at the next tick
                }
                ManagedProcess.sleep(1000);
            }
        }

        /** Reads the operator's output; writes it out and returns true when it changed. */
        private synchronized boolean sync() {
            KubernetesClient c = world.admin;
            String config = secretText(c.secrets().inNamespace(NS).withName("prometheus-" + PROMETHEUS).get(), "prometheus.yaml.gz");
            if (config == null) {
                return false;
            }
            Map<String, String> rules = new LinkedHashMap<>();
            for (var cm : c.configMaps().inNamespace(NS).list().getItems()) {
                if (cm.getMetadata().getName().startsWith("prometheus-" + PROMETHEUS + "-rulefiles-") && cm.getData() != null) {
                    cm.getData().forEach((k, v) -> rules.put(cm.getMetadata().getName() + "/" + k, v));
                }
            }
            // The pod's volume mounts: /etc/prometheus/... lives under this pod's directory.
            String mapped = config.replace("/etc/prometheus/", home.resolve("etc/prometheus") + "/");
            // As prometheus-config-reloader does: $(NAME) from its container's environment in the operator's
            // StatefulSet. The operator's sharding relabel keeps a target only when its hash mod shards equals
            // $(SHARD); left unexpanded, it matches nothing and every target is dropped.
            for (var e : reloaderEnv(c).entrySet()) {
                mapped = mapped.replace("$(" + e.getKey() + ")", e.getValue());
            }
            if (mapped.equals(lastConfig) && rules.equals(lastRules)) {
                return false;
            }
            try {
                Path rulesDir = home.resolve("etc/prometheus/rules");
                if (Files.exists(rulesDir)) {
                    try (var walk = Files.walk(rulesDir)) {
                        walk.sorted(java.util.Comparator.reverseOrder()).filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
                    }
                }
                for (var e : rules.entrySet()) {
                    Path f = rulesDir.resolve(e.getKey());
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, e.getValue());
                }
                Files.createDirectories(home.resolve("config_out"));
                Path tmp = home.resolve("config_out/prometheus.env.yaml.tmp");
                Files.writeString(tmp, mapped);
                Files.move(tmp, home.resolve("config_out/prometheus.env.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lastConfig = mapped;
            lastRules = Map.copyOf(rules);
            return true;
        }

        /** The config-reloader container's environment (POD_NAME, SHARD) as the operator's StatefulSet sets it for pod 0. */
        private static Map<String, String> reloaderEnv(KubernetesClient c) {
            var sts = c.apps().statefulSets().inNamespace(NS).withName("prometheus-" + PROMETHEUS).get();
            String pod = "prometheus-" + PROMETHEUS + "-0";
            Map<String, String> env = new LinkedHashMap<>();
            env.put("POD_NAME", pod);
            if (sts == null) {
                return env;
            }
            sts.getSpec().getTemplate().getSpec().getContainers().stream().filter(k -> "config-reloader".equals(k.getName()))
                    .flatMap(k -> k.getEnv() == null ? java.util.stream.Stream.empty() : k.getEnv().stream())
                    .forEach(e -> {
                        if (e.getValue() != null) {
                            env.put(e.getName(), e.getValue());
                        } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null
                                && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
                            env.put(e.getName(), pod);
                        }
                    });
            return env;
        }

        @Override
        public void close() {
            stopped = true;
            if (process != null) {
                process.close();
            }
        }
    }

    static int post(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setRequestMethod("POST");
            c.setConnectTimeout(1000);
            c.setReadTimeout(10000);
            int code = c.getResponseCode();
            c.disconnect();
            return code;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The kubelet of the collector pods that deploy's Deployment gets: for the Ready pod labelled
     * app.kubernetes.io/name=otel-collector, the real collector runs the config from the ConfigMap
     * the pod mounts (unmodified) with the pod's environment; a pod that goes away (a rollout) takes
     * its process with it, and the new pod gets a new one.
     */
    static final class CollectorPods implements AutoCloseable {
        private final HomelabWorld world;
        private final ControllerLoop loop;
        private volatile String podUid;
        private volatile Server process;

        CollectorPods(HomelabWorld world) {
            this.world = world;
            loop = new ControllerLoop("collector-kubelet", this::tick);
        }

        Server current() {
            return process;
        }

        private synchronized void tick() {
            Pod pod = world.admin.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", "otel-collector").list().getItems().stream()
                    .filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null && p.getMetadata().getDeletionTimestamp() == null)
                    .max(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp())).orElse(null);
            String uid = pod == null ? null : pod.getMetadata().getUid();
            if (Objects.equals(uid, podUid) && (process == null || process.isAlive())) {
                return;
            }
            if (process != null) {
                process.close();
                process = null;
            }
            podUid = uid;
            if (pod == null) {
                return;
            }
            var volume = pod.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
            var cm = world.admin.configMaps().inNamespace(NS).withName(volume.getConfigMap().getName()).get();
            if (cm == null) {
                return; // as the kubelet: the pod waits for its ConfigMap
            }
            var container = pod.getSpec().getContainers().get(0);
            Map<String, String> env = new LinkedHashMap<>();
            if (container.getEnv() != null) {
                container.getEnv().forEach(e -> env.put(e.getName(), resolveServiceNames(e.getValue())));
            }
            Path cdir = ManagedProcess.tempDir("collector-pod");
            String mountPath = container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume.getName()))
                    .findFirst().orElseThrow().getMountPath();
            List<String> args = new ArrayList<>();
            for (String a : container.getArgs()) {
                args.add(a.replace(mountPath + "/", cdir + "/"));
            }
            cm.getData().forEach((k, v) -> ManagedProcess.write(cdir.resolve(k), v));
            process = new Server("otel-collector", CollectorProcess.binary(), "scripts/real-components otelcol", cdir, "127.0.0.1",
                    13133, args, env);
        }

        /** A Service DNS name (svc.cluster.local) replaced by its ready endpoint's pod IP: DNS and kube-proxy's work here. */
        private String resolveServiceNames(String value) {
            if (value == null) {
                return "";
            }
            var m = java.util.regex.Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc(\\.cluster\\.local)?(:(\\d+))?").matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Service svc = world.admin.services().inNamespace(m.group(2)).withName(m.group(1)).get();
                String replacement = m.group(0);
                if (svc != null && svc.getSpec().getSelector() != null) {
                    Pod p = world.admin.pods().inNamespace(m.group(2)).withLabels(svc.getSpec().getSelector()).list().getItems()
                            .stream().filter(HomelabWorld::ready).findFirst().orElse(null);
                    if (p != null) {
                        int port = m.group(5) == null ? 80 : Integer.parseInt(m.group(5));
                        int target = svc.getSpec().getPorts().stream().filter(sp -> sp.getPort() == port).findFirst()
                                .map(sp -> sp.getTargetPort() == null || sp.getTargetPort().getIntVal() == null ? port
                                        : sp.getTargetPort().getIntVal()).orElse(port);
                        replacement = p.getStatus().getPodIP() + ":" + target;
                    }
                }
                m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            return out.toString();
        }

        @Override
        public void close() {
            loop.close();
            synchronized (this) {
                if (process != null) {
                    process.close();
                }
            }
        }
    }

    /** Every object of a kind in a namespace, for a test's failure message. */
    static String describe(List<? extends HasMetadata> items) {
        return items.stream().map(i -> i.getKind() + " " + i.getMetadata().getName()).toList().toString();
    }
}
