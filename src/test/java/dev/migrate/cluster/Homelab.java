package dev.migrate.cluster;

import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The homelab cluster (rommelporras/homelab, phase 4.15), seeded into a {@link FakeApiServer}:
 * namespace monitoring, prometheus-operator CRDs, kube-prometheus-stack's Prometheus selecting
 * {@code release: prometheus}, Cilium pool homelab-pool 10.10.30.20-99, the Services that already
 * hold .20/.21/.53, and Loki 3.6's running config. Plus a hand-made bundle shaped like the
 * renderer's output.
 */
public final class Homelab {
    public static final String NS = "monitoring";
    public static final String VIP = "10.10.30.22";
    public static final String CONTEXT = "homelab";

    public static final String LOKI_CONFIG = """
            target: all
            limits_config:
              allow_structured_metadata: true
              max_label_names_per_series: 15
            schema_config:
              configs:
              - from: "2024-01-01"
                store: boltdb-shipper
                object_store: filesystem
                schema: v12
                index:
                  prefix: index_
                  period: 24h
              - from: "2024-06-01"
                store: tsdb
                object_store: s3
                schema: v13
                index:
                  prefix: index_
                  period: 24h
            """;

    private Homelab() {
    }

    /** The homelab on the fabric8 mock (fault tests only); CRDs are bare there, as the mock ignores schemas. */
    public static void seed(FakeApiServer api) {
        KubernetesClient c = api.client();
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("kubernetes.io/metadata.name", NS).endMetadata().build()).create();
        crd(c, "monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitors", true);
        crd(c, "monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules", true);
        crd(c, "monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true);
        crd(c, "cilium.io", "v2", "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false);
        objects(c);
        api.proxy(NS, "loki:3100", "/config", LOKI_CONFIG);
    }

    /**
     * The settings of {@code user} on the seeded homelab: context {@link #CONTEXT} through a kubeconfig written
     * into {@code dir}, the state directory {@code dir/state}; every other setting the default.
     */
    public static Settings settings(KubeApiServer api, Path dir, String user) {
        return Settings.defaults().with(Map.of("context", CONTEXT, "kubeconfig", api.kubeconfig(dir, CONTEXT, user).toString(),
                "state-dir", dir.resolve("state").toString()));
    }

    /**
     * The homelab on the real API server, from a clean slate: every object a test may have made in
     * the homelab's namespaces is deleted (a server with no controllers never cleans up), missing
     * CRDs are reinstalled, and the objects are created again. The CRDs are the real ones
     * ({@link KubeApiServer#installCrds}). Loki's /config cannot be served through the real
     * service proxy here: the server refuses Endpoints on 127.0.0.1 ("may not be in the loopback
     * range") and proxies only to pod IPs, and tests may only reach loopback.
     */
    public static void seed(KubeApiServer api) {
        KubernetesClient c = api.admin();
        api.installCrds();
        for (String ns : List.of(NS, "gitlab", "adguard", "media", "observability", "kube-system")) {
            if (c.namespaces().withName(ns).get() == null) {
                if (ns.equals("observability")) {
                    continue; // a namespace the tests name as absent
                }
                c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            if (ns.equals("kube-system")) {
                c.leases().inNamespace(ns).list().getItems().stream().filter(l -> l.getMetadata().getName().startsWith("cilium-"))
                        .forEach(l -> c.leases().inNamespace(ns).resource(l).withGracePeriod(0).delete());
                continue;
            }
            c.configMaps().inNamespace(ns).delete();
            c.services().inNamespace(ns).delete();
            c.apps().deployments().inNamespace(ns).delete();
            c.batch().v1().jobs().inNamespace(ns).delete();
            c.persistentVolumeClaims().inNamespace(ns).delete();
            c.pods().inNamespace(ns).withGracePeriod(0).delete();
            c.endpoints().inNamespace(ns).delete();
            for (String[] k : List.of(new String[]{"ServiceMonitor", "servicemonitors"}, new String[]{"PrometheusRule", "prometheusrules"},
                    new String[]{"Prometheus", "prometheuses"})) {
                c.genericKubernetesResources(ctx("monitoring.coreos.com", "v1", k[0], k[1], true)).inNamespace(ns).delete();
            }
        }
        c.genericKubernetesResources(ctx("cilium.io", "v2", "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false)).delete();
        objects(c);
    }

    private static void objects(KubernetesClient c) {
        prometheus(c, Map.of("matchLabels", Map.of("release", "prometheus")), Map.of(),
                Map.of("matchLabels", Map.of("release", "prometheus")), Map.of());
        pool(c, "homelab-pool", List.of(Map.of("start", "10.10.30.20", "stop", "10.10.30.99")));
        service(c, "gitlab", "gitlab-ssh", Map.of("io.cilium/lb-ipam-ips", "10.10.30.21"), "10.10.30.21");
        service(c, "adguard", "adguard-dns", Map.of("lbipam.cilium.io/ips", "10.10.30.53"), "10.10.30.53");
    }

    public static void crd(KubernetesClient c, String group, String version, String kind, String plural, boolean namespaced) {
        c.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope(namespaced ? "Namespaced" : "Cluster")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
    }

    /** Replaces the live Prometheus object; a null selector argument leaves that field unset (nil). */
    public static void prometheus(KubernetesClient c, Map<String, Object> smSel, Map<String, Object> smNsSel,
                                  Map<String, Object> ruleSel, Map<String, Object> ruleNsSel) {
        // Shaped as kube-prometheus-stack's chart renders it (the fields around the selectors included),
        // so the real CRD's schema validates and prunes it as it would the chart's object.
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("version", "v3.5.0");
        spec.put("replicas", 1);
        spec.put("serviceAccountName", "prometheus-kube-prometheus-prometheus");
        spec.put("externalUrl", "http://prometheus-kube-prometheus-prometheus.monitoring:9090");
        spec.put("retention", "10d");
        spec.put("enableRemoteWriteReceiver", false);
        spec.put("podMonitorSelector", Map.of("matchLabels", Map.of("release", "prometheus")));
        spec.put("podMonitorNamespaceSelector", Map.of());
        spec.put("probeSelector", Map.of("matchLabels", Map.of("release", "prometheus")));
        spec.put("alerting", Map.of("alertmanagers", List.of(Map.of("namespace", NS,
                "name", "prometheus-kube-prometheus-alertmanager", "port", "http-web", "apiVersion", "v2"))));
        putIfSet(spec, "serviceMonitorSelector", smSel);
        putIfSet(spec, "serviceMonitorNamespaceSelector", smNsSel);
        putIfSet(spec, "ruleSelector", ruleSel);
        putIfSet(spec, "ruleNamespaceSelector", ruleNsSel);
        GenericKubernetesResource p = generic("monitoring.coreos.com/v1", "Prometheus", NS,
                "prometheus-kube-prometheus-prometheus", Map.of("spec", spec));
        p.getMetadata().setLabels(Map.of("app", "kube-prometheus-stack-prometheus", "release", "prometheus",
                "app.kubernetes.io/managed-by", "Helm", "chart", "kube-prometheus-stack-79.0.0", "heritage", "Helm"));
        var op = c.genericKubernetesResources(ctx("monitoring.coreos.com", "v1", "Prometheus", "prometheuses", true))
                .inNamespace(NS);
        op.withName(p.getMetadata().getName()).delete();
        op.resource(p).create();
    }

    private static void putIfSet(Map<String, Object> spec, String key, Map<String, Object> value) {
        if (value != null) {
            spec.put(key, value);
        }
    }

    public static void pool(KubernetesClient c, String name, List<Map<String, String>> blocks) {
        c.genericKubernetesResources(ctx("cilium.io", "v2", "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false))
                .resource(generic("cilium.io/v2", "CiliumLoadBalancerIPPool", null, name, Map.of("spec", Map.of("blocks", blocks))))
                .create();
    }

    /** A LoadBalancer Service with IPAM annotations and, if {@code ingressIp} is set, an assigned address. */
    public static void service(KubernetesClient c, String ns, String name, Map<String, String> annotations, String ingressIp) {
        var b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).withAnnotations(annotations).endMetadata()
                .withNewSpec().withType("LoadBalancer").addNewPort().withPort(22).endPort().endSpec();
        c.services().inNamespace(ns).resource(b.build()).create();
        if (ingressIp != null) {
            // status is a subresource: a create ignores it, as Cilium's own write does not go through create
            c.services().inNamespace(ns).withName(name).editStatus(s -> {
                s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer().addNewIngress()
                        .withIp(ingressIp).endIngress().endLoadBalancer().build());
                return s;
            });
        }
    }

    public static ResourceDefinitionContext ctx(String group, String version, String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                .withPlural(plural).withNamespaced(namespaced).build();
    }

    private static GenericKubernetesResource generic(String apiVersion, String kind, String ns, String name,
                                                     Map<String, Object> rest) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        rest.forEach(r::setAdditionalProperty);
        return r;
    }

    // ---- the cluster's controllers, played by the test ----

    /** Controllers that do their job, run at each sleep of a fake clock: the collector rolls out, the VIP is assigned and announced. */
    public static Runnable healthyControllers(KubernetesClient c) {
        return () -> {
            if (c.apps().deployments().inNamespace(NS).withName("otel-collector").get() != null) {
                rollOut(c, "otel-collector");
            }
            var svc = c.services().inNamespace(NS).withName("otel-collector").get();
            if (svc != null && (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress().isEmpty())) {
                assignVip(c, "otel-collector", VIP, true);
            }
        };
    }

    /** What the Deployment controller does once pods are up: status catches up with the spec. */
    public static void rollOut(KubernetesClient c, String name) {
        c.apps().deployments().inNamespace(NS).withName(name).editStatus(d -> {
            long gen = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withObservedGeneration(gen)
                    .withReplicas(replicas).withUpdatedReplicas(replicas).withAvailableReplicas(replicas)
                    .withReadyReplicas(replicas).withConditions(condition("Available", "True", "MinimumReplicasAvailable", "ok"),
                            condition("Progressing", "True", "NewReplicaSetAvailable", "ReplicaSet has successfully progressed."))
                    .build());
            return d;
        });
    }

    /** The controller gave up: Progressing=False, reason ProgressDeadlineExceeded. */
    public static void deadlineExceeded(KubernetesClient c, String name) {
        c.apps().deployments().inNamespace(NS).withName(name).editStatus(d -> {
            Deployment x = d;
            x.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                    .withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(1).withUpdatedReplicas(1)
                    .withAvailableReplicas(0).withUnavailableReplicas(1)
                    .withConditions(condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
                            condition("Progressing", "False", "ProgressDeadlineExceeded",
                                    "ReplicaSet \"otel-collector-5d8f\" has timed out progressing."))
                    .build());
            return x;
        });
    }

    private static DeploymentCondition condition(String type, String status, String reason, String message) {
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message).build();
    }

    /** What Cilium LB IPAM does: assign the address (and, if asked, create the L2 announcement Lease). */
    public static void assignVip(KubernetesClient c, String service, String ip, boolean lease) {
        c.services().inNamespace(NS).withName(service).editStatus(s -> {
            s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer().addNewIngress()
                    .withIp(ip).endIngress().endLoadBalancer()
                    .addNewCondition().withType("cilium.io/IPAMRequestSatisfied").withStatus("True").withReason("satisfied")
                    .withMessage("").withLastTransitionTime("2026-11-27T05:00:00Z").endCondition().build());
            return s;
        });
        if (lease) {
            c.leases().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                    .withNewMetadata().withName("cilium-l2announce-" + NS + "-" + service).endMetadata()
                    .withNewSpec().withHolderIdentity("node-1").endSpec().build()).create();
        }
    }

    /** Cilium LB IPAM refuses: condition type (new or old name) False with the given reason. */
    public static void refuseVip(KubernetesClient c, String service, String conditionType, String reason) {
        c.services().inNamespace(NS).withName(service).editStatus(s -> {
            s.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer().endLoadBalancer()
                    .addNewCondition().withType(conditionType).withStatus("False").withReason(reason)
                    .withMessage("lb-ipam could not satisfy the request: " + reason)
                    .withLastTransitionTime("2026-11-27T05:00:00Z").endCondition().build());
            return s;
        });
    }

    // ---- the bundle ----

    public static Bundle bundle() {
        Map<String, String> none = Map.of();
        Map<String, String> release = Map.of("release", "prometheus");
        return new Bundle(List.of(
                object("v1", "ConfigMap", "otel-collector-config", none, none,
                        Map.of("data", Map.of("config.yaml", "receivers:\n  otlp: {}\n"))),
                object("apps/v1", "Deployment", "otel-collector", none, none, Map.of("spec", Map.of("replicas", 1,
                        "selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "otel-collector")),
                        "template", Map.of("metadata", Map.of("labels", Map.of("app.kubernetes.io/name", "otel-collector")),
                                "spec", Map.of("containers", List.of(Map.of("name", "otel-collector",
                                        "image", "otel/opentelemetry-collector-contrib:0.149.0"))))))),
                object("v1", "Service", "otel-collector", none, Map.of("lbipam.cilium.io/ips", VIP),
                        Map.of("spec", Map.of("type", "LoadBalancer",
                                "selector", Map.of("app.kubernetes.io/name", "otel-collector"),
                                "ports", List.of(Map.of("name", "otlp-grpc", "port", 4317),
                                        Map.of("name", "otlp-http", "port", 4318), Map.of("name", "prometheus", "port", 8889))))),
                object("monitoring.coreos.com/v1", "ServiceMonitor", "otel-collector", release, none,
                        Map.of("spec", Map.of("selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "otel-collector")),
                        "endpoints", List.of(Map.of("port", "prometheus", "interval", "15s"))))),
                object("monitoring.coreos.com/v1", "PrometheusRule", "claude-code", release, none,
                        Map.of("spec", Map.of("groups", List.of(Map.of("name", "claude-code", "rules", List.of()))))),
                object("v1", "ConfigMap", "claude-code-dashboard", Map.of("grafana_dashboard", "1"), none,
                        Map.of("data", Map.of("claude-code.json", "{\"title\":\"Claude Code\"}")))),
                "receivers: {}", "test", "{}", "test");
    }

    /** One object with the ownership labels every managed object carries, plus {@code extraLabels}. */
    public static ManifestObject object(String apiVersion, String kind, String name, Map<String, String> extraLabels,
                                        Map<String, String> annotations, Map<String, Object> rest) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ManifestObject.MANAGED_BY_LABEL, ManifestObject.MANAGED_BY_VALUE);
        labels.put(ManifestObject.PART_OF_LABEL, ManifestObject.PART_OF_VALUE);
        labels.putAll(extraLabels);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", NS);
        metadata.put("labels", labels);
        if (!annotations.isEmpty()) {
            metadata.put("annotations", annotations);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", apiVersion);
        body.put("kind", kind);
        body.put("metadata", metadata);
        body.putAll(rest);
        return new ManifestObject(apiVersion, kind, NS, name, body);
    }
}
