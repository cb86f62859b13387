package dev.migrate.homelab;

import dev.migrate.ExitCodes;
import dev.migrate.testsupport.HomelabWorld;
import dev.migrate.testsupport.Laptop;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes wrong on a real homelab, on the homelab in a box: the real prometheus-operator decides
 * what Prometheus scrapes and which rules it loads, the real Deployment controller decides when a
 * rollout has failed, not migrate's own code. The tests share one world and run in order: the first
 * needs a cluster where nothing was deployed yet, and each later one leaves the collector deployed
 * on the defaults, as a user's fix would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HomelabFailureModesTest {
    static HomelabWorld world;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        world = HomelabWorld.start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    /**
     * kube-prometheus-stack installed as release "kps": its Prometheus selects release=kps.
     * deploy's preflight refuses and names the selector; forced past it, the operator really
     * generates no job for the collector, and verify's scrape-target check says why.
     */
    @Test
    @Order(1)
    void aPrometheusSelectingAnotherReleaseGetsNoJobForTheCollector() {
        world.prometheusSelects(Map.of("release", "kps"), Map.of("release", "kps"));
        try {
            Laptop laptop = defaults();

            Laptop.Run refused = laptop.migrate(5, "deploy");
            assertEquals(ExitCodes.FAILED, refused.exitCode(), refused.all()); // a failed preflight is exit 1 (docs/deploy.md)
            assertTrue(refused.all().contains("prometheus-selects") && refused.all().contains("kps"), refused.all());
            assertTrue(world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector").get() == null,
                    "a refused deploy applies nothing");

            Laptop.Run forced = laptop.migrate(5, "deploy", "--skip-check", "prometheus-selects");
            assertEquals(ExitCodes.OK, forced.exitCode(), forced.all() + world.logs());
            // The operator has read the ServiceMonitor (it exists now) and still writes no job for it.
            SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(60), () -> world.prometheus().reloads() > 0
                    && reconciled(), () -> "the operator did not reconcile:\n" + world.logs());
            assertFalse(world.prometheus().config().contains("serviceMonitor/monitoring/otel-collector"), world.prometheus().config());

            Laptop.Run verify = laptop.migrate(5, "verify", "--only", "scrape-target");
            assertEquals(ExitCodes.FAILED, verify.exitCode(), verify.all());
            assertTrue(verify.out().contains("FAIL") && verify.out().contains("serviceMonitorSelector"), verify.out());
        } finally {
            world.prometheusSelects(Map.of("release", "prometheus"), Map.of("release", "prometheus"));
        }
    }

    /**
     * The ServiceMonitor's endpoint names a port the Service does not have. migrate renders both from
     * one bundle (its offline rule selectors.consistent checks the pair, and no setting renames a port),
     * so this comes from an edit: here the homelab repository's copy written by {@code deploy --dry-run
     * --out}, edited by hand and applied with kubectl as docs/deploy.md shows. The real operator still
     * writes the job, keeping only endpoints on that port name: Prometheus discovers the collector and
     * drops the target, with no error anywhere. verify's scrape-target check names the port and the
     * Service's port names; re-running deploy puts the bundle's port back.
     */
    @Test
    @Order(2)
    void aServiceMonitorPortTheServiceLacksLeavesNoTargetAndVerifyNamesIt() throws Exception {
        String pool = "serviceMonitor/" + HomelabWorld.NS + "/otel-collector/0";
        handEditedThenRedeployed("otel-collector-servicemonitor.yaml", monitor -> {
            Map<String, Object> endpoint = endpoints(monitor).get(0);
            assertEquals("prometheus", endpoint.get("port"), monitor.toString());
            endpoint.put("port", "metrics"); // the name other charts give their metrics port
        }, () -> awaitTargetsUp(2), () -> {
            // The operator's job for that endpoint exists and keeps nothing: no active target, the pod dropped.
            SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(90), () -> world.prometheus().config().contains("regex: metrics")
                            && !prom("/api/v1/targets?state=active").contains("\"scrapePool\":\"" + pool + "\"")
                            && prom("/api/v1/targets?state=dropped").contains("\"scrapePool\":\"" + pool + "\""),
                    () -> "the operator's job did not drop the target:\n" + prom("/api/v1/targets?state=any") + "\n" + world.logs());
        }, "scrape-target", (laptop, verify) -> {
            assertTrue(verify.out().contains("FAIL") && verify.out().contains("port(s) ['metrics'] match no port name of Service"
                    + " otel-collector") && verify.out().contains("'prometheus'") && verify.out().contains("migrate deploy"), verify.out());
            // deploy --diff shows the edit before the fix re-applies it.
            Laptop.Run diff = laptop.migrate(5, "deploy", "--diff");
            assertEquals(ExitCodes.OK, diff.exitCode(), diff.all());
            assertTrue(diff.out().contains("ServiceMonitor/" + HomelabWorld.NS + "/otel-collector would change"), diff.out());
        });
    }

    /**
     * A pod that never becomes ready: the collector image is one the node cannot pull (kwok plays the
     * kubelet's ImagePullBackOff for {@link HomelabWorld#UNPULLABLE_REGISTRY}). The real Deployment
     * controller keeps the previous pod, and after the progress deadline sets Progressing=False
     * ProgressDeadlineExceeded; deploy's wait reports it with the controller's message and the pod's
     * reason, names the setting to fix, exits 1, and the ledger records it.
     * <p>
     * The bundle leaves progressDeadlineSeconds at the API's default (600 s), longer than deploy's
     * default --timeout (5m), and no setting changes it: on defaults a first deploy times out first
     * (with the same pod reason) and the controller's verdict is what a later re-run sees. So that this
     * test does not wait ten minutes, the homelab sets the field itself, as a kubectl patch (or a
     * policy) would; migrate's server-side apply does not own it and leaves it.
     */
    @Test
    @Order(3)
    void aCollectorPodThatNeverBecomesReadyIsTheControllersProgressDeadlineExceeded() throws Exception {
        Laptop laptop = defaults();
        String image = HomelabWorld.UNPULLABLE_REGISTRY + "/otel/opentelemetry-collector-contrib:0.149.0";
        failingRolloutThenTheFix(laptop, "collector-image: " + image, () -> { }, () -> { }, all -> {
            assertTrue(all.contains("ImagePullBackOff: Back-off pulling image \"" + image + "\""), all);
            assertTrue(all.contains("fix:   the node cannot pull " + image + ": correct the collector-image setting"), all);
            assertTrue(all.contains("1 pod(s) of the previous version keep running"), all);
            Deployment d = collectorDeployment().get();
            assertEquals(1, d.getStatus().getAvailableReplicas(), "the controller kept the previous pod: " + d.getStatus());
            try {
                List<String> ledger = Files.readAllLines(laptop.workdir().resolve(".migrate/ledger.jsonl"));
                String last = ledger.get(ledger.size() - 1);
                assertTrue(last.contains("\"step\":\"deploy\"") && last.contains("\"outcome\":\"failed\"")
                        && last.contains("ProgressDeadlineExceeded") && last.contains("ImagePullBackOff"), last);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * A rule the operator rejects. kube-prometheus-stack may run an admission webhook that refuses it
     * at apply; this world runs none (nor does a chart with admissionWebhooks disabled), and then the
     * real operator validates each PrometheusRule with Prometheus' rule parser, skips the whole object
     * when one rule is invalid, and says so only in its log ("invalid rule") and an InvalidConfiguration
     * event. No setting makes an invalid rule (thresholds are numbers), so it comes from an edit of the
     * --out copy, as a threshold written in dollars. verify's alert-rules check names the
     * PrometheusRule, the rule and Prometheus' parse error; deploy puts the bundle's rules back.
     */
    @Test
    @Order(4)
    void aRuleTheOperatorRejectsIsNamedByVerify() throws Exception {
        Runnable rulesLoaded = () -> SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(90),
                () -> prom("/api/v1/rules").contains("\"name\":\"claude-code-spend\""),
                () -> "Prometheus did not load the operator's rules:\n" + prom("/api/v1/rules") + world.logs());
        handEditedThenRedeployed("claude-alerts.yaml", rule -> {
            Map<String, Object> alert = rules(rule).stream().filter(r -> "ClaudeCodeDailySpendHigh".equals(r.get("alert")))
                    .findFirst().orElseThrow();
            Matcher threshold = Pattern.compile(">\\s*([0-9.]+)\\s*$").matcher((String) alert.get("expr"));
            assertTrue(threshold.find(), "the alert ends in its threshold: " + alert.get("expr"));
            alert.put("expr", threshold.replaceFirst("> \\$" + threshold.group(1)));
        }, rulesLoaded, () -> {
            // The operator drops the object from its rule files and Prometheus unloads its groups.
            SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(90), () -> world.operator().logText().contains("invalid rule")
                            && world.prometheus().ruleFiles().keySet().stream().noneMatch(k -> k.contains("claude-code-alerts"))
                            && !prom("/api/v1/rules").contains("\"name\":\"claude-code-spend\""),
                    () -> "the operator did not skip the rule:\n" + world.prometheus().ruleFiles().keySet() + "\n" + world.logs());
        }, "alert-rules", (laptop, verify) -> {
            String text = verify.out();
            assertTrue(text.contains("PrometheusRule monitoring/claude-code-alerts was rejected; prometheus-operator: PrometheusRule"
                    + " claude-code-alerts was rejected due to invalid configuration"), text);
            assertTrue(text.contains("rule ClaudeCodeDailySpendHigh (group claude-code-spend) has an invalid expr: bad_data:")
                    && text.contains("parse error"), text);
            assertTrue(text.contains("kubectl -n monitoring edit prometheusrule claude-code-alerts") && text.contains("migrate deploy"), text);
        });
    }

    /**
     * A node that kwok keeps NotReady (its kubelet reports the CNI down, as a homelab node without its
     * Cilium agent does) while the other node is cordoned for maintenance: the new collector pod of a
     * config change has nowhere to go. The real scheduler says why (Unschedulable), the real
     * Deployment controller sets ProgressDeadlineExceeded (the short deadline as in the test above),
     * and deploy's wait reports both with a fix about the nodes. Last, because it changes the nodes.
     */
    @Test
    @Order(5)
    void aNewCollectorPodWithNoReadyNodeIsUnschedulableAndDeployNamesTheNodes() throws Exception {
        Laptop laptop = defaults();
        // The user's own collector config: any change rolls a new pod (checksum/config).
        Path config = laptop.workdir().resolve("my-collector.yaml");
        Files.writeString(config, Files.readString(Path.of("collector/config.yaml")) + "# tuned for the team\n");
        var node1 = world.admin().nodes().withName(HomelabWorld.NODE);
        failingRolloutThenTheFix(laptop, "collector-config: " + config, () -> {
            world.addNode("homelab-node-2", true);
            node1.edit(n -> {
                n.getSpec().setUnschedulable(true);
                return n;
            });
        }, () -> {
            node1.edit(n -> {
                n.getSpec().setUnschedulable(false);
                return n;
            });
            world.admin().nodes().withName("homelab-node-2").delete();
        }, all -> {
            assertTrue(all.contains(" Unschedulable: 0/2 nodes are available: 1 node(s) had untolerated taint")
                    && all.contains("1 node(s) were unschedulable"), all);
            assertTrue(all.contains("fix:   no node takes the pod: kubectl get nodes"), all);
        });
    }

    /**
     * Deploys on defaults and waits for {@code healthy}; writes the --out copy, edits {@code file} and
     * applies it as kubectl would; waits for {@code broken}; then verify's {@code check} fails (exit 1)
     * and {@code failed} looks at what it said; then the fix verify names, 'migrate deploy', and the
     * check passes again once {@code healthy} holds.
     */
    private void handEditedThenRedeployed(String file, Consumer<GenericKubernetesResource> edit, Runnable healthy, Runnable broken,
                                          String check, java.util.function.BiConsumer<Laptop, Laptop.Run> failed) throws Exception {
        Laptop laptop = defaults();
        Laptop.Run deploy = laptop.migrate(5, "deploy");
        assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all() + world.logs());
        healthy.run();

        Path repo = tmp.resolve("homelab/manifests/monitoring");
        Laptop.Run out = laptop.migrate(2, "deploy", "--dry-run", "--out", repo.toString());
        assertEquals(ExitCodes.OK, out.exitCode(), out.all());
        applyEdited(repo.resolve(file), edit);
        broken.run();

        Laptop.Run verify = laptop.migrate(5, "verify", "--only", check);
        System.out.println("verify after the edit of " + file + ":\n" + verify.all());
        assertEquals(ExitCodes.FAILED, verify.exitCode(), verify.all());
        failed.accept(laptop, verify);

        Laptop.Run redeploy = laptop.migrate(5, "deploy");
        assertEquals(ExitCodes.OK, redeploy.exitCode(), redeploy.all());
        healthy.run();
        Laptop.Run fixed = laptop.migrate(5, "verify", "--only", check);
        assertEquals(ExitCodes.OK, fixed.exitCode(), fixed.all());
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * Deploys on defaults; shortens the collector's progress deadline to 20 s (see the image test for
     * why) and runs {@code breakIt}; deploys with {@code setting} added, which must fail on the
     * controller's ProgressDeadlineExceeded, and hands its output to {@code failed}; then runs
     * {@code repair} and the user's fix: the default settings deployed again (the controller rolls
     * back to the previous pod), and the deadline back at the default.
     */
    private static void failingRolloutThenTheFix(Laptop laptop, String setting, Step breakIt, Step repair, Consumer<String> failed)
            throws Exception {
        Laptop.Run deploy = laptop.migrate(5, "deploy");
        assertEquals(ExitCodes.OK, deploy.exitCode(), deploy.all() + world.logs());
        progressDeadline(20);
        try {
            breakIt.run();
            try {
                laptop.settings(world.laptopSettings(laptop) + setting + "\n");
                Laptop.Run run = laptop.migrate(5, "deploy");
                System.out.println("deploy with " + setting + ":\n" + run.all());
                assertEquals(ExitCodes.FAILED, run.exitCode(), run.all() + world.logs());
                assertTrue(run.out().contains("FAIL  rollout Deployment/monitoring/otel-collector condition Progressing=False reason"
                        + " ProgressDeadlineExceeded: ReplicaSet \"otel-collector-") && run.out().contains("has timed out progressing."),
                        run.all());
                failed.accept(run.all());
            } finally {
                repair.run();
            }
        } finally {
            laptop.settings(world.laptopSettings(laptop));
            Laptop.Run fixed = laptop.migrate(5, "deploy");
            progressDeadline(600);
            assertEquals(ExitCodes.OK, fixed.exitCode(), fixed.all() + world.logs());
        }
    }

    private static void progressDeadline(int seconds) {
        collectorDeployment().edit(d -> {
            d.getSpec().setProgressDeadlineSeconds(seconds);
            return d;
        });
    }

    private static io.fabric8.kubernetes.client.dsl.RollableScalableResource<Deployment> collectorDeployment() {
        return world.admin().apps().deployments().inNamespace(HomelabWorld.NS).withName("otel-collector");
    }

    /** A laptop with the kubeconfig and the context, every other setting the default. */
    private Laptop defaults() {
        Laptop laptop = new Laptop(tmp);
        return laptop.settings(world.laptopSettings(laptop));
    }

    /** A --out file edited by hand, applied as {@code kubectl apply --server-side --field-manager=migrate} would. */
    private static void applyEdited(Path file, Consumer<GenericKubernetesResource> edit) throws Exception {
        GenericKubernetesResource object;
        try (InputStream in = Files.newInputStream(file)) {
            object = world.admin().getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
        }
        edit.accept(object);
        world.admin().genericKubernetesResources(object.getApiVersion(), object.getKind())
                .inNamespace(object.getMetadata().getNamespace()).resource(object).fieldManager("migrate").serverSideApply();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> endpoints(GenericKubernetesResource monitor) {
        return (List<Map<String, Object>>) ((Map<String, Object>) monitor.getAdditionalProperties().get("spec")).get("endpoints");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(GenericKubernetesResource rule) {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) ((Map<String, Object>) rule.getAdditionalProperties()
                .get("spec")).get("groups");
        return groups.stream().flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream()).toList();
    }

    private static String prom(String path) {
        return world.prometheus().process().get(path);
    }

    /** {@code n} active targets of the collector's job, each scraped and up (a new target is "unknown" until its first scrape). */
    private static void awaitTargetsUp(int n) {
        SeedPlanEndToEndTest.awaitTrue(Duration.ofSeconds(90), () -> {
            List<String> health = new java.util.ArrayList<>();
            try {
                for (var t : dev.migrate.Json.MAPPER.readTree(prom("/api/v1/targets?state=active")).at("/data/activeTargets")) {
                    if ("otel-collector".equals(t.at("/labels/job").asText())) {
                        health.add(t.path("health").asText());
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return health.size() == n && health.stream().allMatch("up"::equals);
        }, () -> "Prometheus does not scrape the collector:\n" + prom("/api/v1/targets?state=any") + "\n" + world.logs());
    }

    /** The operator's own word that it has processed the Prometheus object as it is now. */
    @SuppressWarnings("unchecked")
    private static boolean reconciled() {
        var p = world.admin().genericKubernetesResources("monitoring.coreos.com/v1", "Prometheus").inNamespace(HomelabWorld.NS)
                .withName(HomelabWorld.PROMETHEUS).get();
        Object status = p.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof java.util.List<?> conditions)) {
            return false;
        }
        return conditions.stream().map(c -> (Map<String, Object>) c).anyMatch(c -> "Reconciled".equals(c.get("type"))
                && "True".equals(c.get("status"))
                && p.getMetadata().getGeneration().equals(((Number) c.getOrDefault("observedGeneration", -1)).longValue()));
    }
}
