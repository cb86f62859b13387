package dev.migrate.soak.incluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.settings.SettingsLoader;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.soak.Analyzer;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.Progress;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.SoakRunner;
import dev.migrate.soak.SoakSession;
import dev.migrate.soak.SoakTestCatalogue;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-cluster soak's --attach against fabric8's mock API server in CRUD mode. A double here
 * because --attach reads the pod log, which a real kube-apiserver serves only by asking the pod's
 * kubelet, and the test API server has no nodes; the log endpoint is an expectation shaped like
 * GET /api/v1/namespaces/{ns}/pods/{pod}/log?follow=true (plain text lines). --apply runs on the
 * real API server: {@link InClusterApplyTest}.
 */
@EnableKubernetesMockClient(crud = true)
class InClusterTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    final List<String> warnings = new ArrayList<>();

    Settings settings() {
        return Settings.defaults().with(Map.of("context", "homelab", "state-dir", dir.resolve("state").toString(),
                "soak-image", "registry.home.arpa/migrate:0.1.0"));
    }

    InCluster.Connector mock() {
        return s -> new Fabric8SoakCluster(client, false); // the extension owns the client
    }

    static String capture(java.util.function.Function<PrintWriter, Integer> body, int expected) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = body.apply(new PrintWriter(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expected, code, out);
        return out;
    }

    @Test
    void renderingPrintsTheJobAndTouchesNoCluster() throws Exception {
        InCluster.Connector refuse = s -> {
            throw new AssertionError("a dry run must not connect");
        };
        String out = capture(o -> InCluster.render(settings(), false, refuse, o), ExitCodes.OK);
        assertTrue(out.contains("# nothing applied: add --apply"), out);
        List<JsonNode> docs = new ArrayList<>();
        for (String doc : out.split("(?m)^---$")) {
            if (!doc.isBlank() && !doc.strip().startsWith("#")) {
                docs.add(Json.YAML.readTree(doc.replaceAll("(?m)^#.*$", "")));
            }
        }
        assertEquals(List.of("ConfigMap", "PersistentVolumeClaim", "Job"), docs.stream().map(d -> d.path("kind").asText()).toList());
        JsonNode pod = docs.get(2).path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertEquals("registry.home.arpa/migrate:0.1.0", c.path("image").asText());
        assertEquals("[\"soak\",\"--journal-stdout\",\"--config\",\"/etc/migrate/migrate.yaml\",\"--state-dir\",\"/var/lib/migrate\"]",
                c.path("args").toString());
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true));
        assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertEquals("migrate-soak-journal", pod.path("volumes").get(0).path("persistentVolumeClaim").path("claimName").asText());

        // The Job proves the same settings: its migrate.yaml loads to this machine's digest.
        Path yaml = Files.writeString(dir.resolve("in-cluster.yaml"), docs.get(0).path("data").path("migrate.yaml").asText());
        Settings inside = SettingsLoader.load(Optional.of(yaml), Map.of(), Map.of("state-dir", "/var/lib/migrate"));
        assertEquals(settings().digest(), inside.digest());
    }

    @Test
    void ownChecksTravelWithTheJobToTheSamePath() throws Exception {
        Path checks = Files.createDirectories(dir.resolve("my-checks"));
        Files.writeString(checks.resolve("soak.yaml"), SoakTestCatalogue.YAML);
        Files.writeString(checks.resolve("verify.yaml"), "version: 1\nchecks: []\n");
        Settings s = settings().with(Map.of("checks-dir", checks.toString()));
        String out = capture(o -> InCluster.render(s, false, x -> {
            throw new AssertionError("dry run");
        }, o), ExitCodes.OK);
        JsonNode cm = Json.YAML.readTree(out.split("(?m)^---$")[1]);
        assertEquals(SoakTestCatalogue.YAML, cm.path("data").path("soak.yaml").asText());
        assertTrue(cm.path("data").has("verify.yaml"));
        JsonNode job = Json.YAML.readTree(out.split("(?m)^---$")[3].replaceAll("(?m)^#.*$", ""));
        List<String> mounts = new ArrayList<>();
        job.path("spec").path("template").path("spec").path("containers").get(0).path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertTrue(mounts.contains(checks + "/soak.yaml") && mounts.contains(checks + "/verify.yaml"), mounts.toString());
    }

    /** The pod's log: what a real in-cluster soak prints with --journal-stdout (a 2 h soak run in simulated time). */
    List<String> podLog(SimulatedClock clock) {
        List<String> podLog = new ArrayList<>();
        podLog.add("Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=60");
        Settings s = settings().with(Map.of("soak-duration", "2h"));
        AnalysisCatalogue cat = SoakTestCatalogue.catalogue();
        Path podState = dir.resolve("pod-state");
        SoakSession podSession = new SoakSession(new Ledger(podState));
        SoakSession.Opened o = podSession.open(new SoakSession.Wanted(cat, s.digest(), Duration.ofHours(2), Duration.ofSeconds(60),
                Duration.ofMinutes(5)), clock.now(), false, warnings::add, podLog::add);
        RoundTrip probe = () -> new RoundTrip.Result(true, Duration.ofMillis(1800), "found");
        SoakRunner.Ending e = new SoakRunner(cat, new Analyzer(FakePrometheus.healthy(), null, probe, null), o.journal(), o.state(),
                clock, Progress.none()).run(() -> false);
        podSession.record(o, o.state().verdict(clock.now()), e, clock.now(), "");
        o.journal().close();
        assertEquals(1 + 1 + 120 + 1, podLog.size());
        return podLog;
    }

    @Test
    void attachFollowsThePodLogAndRecordsTheVerdictLocally() throws Exception {
        SimulatedClock clock = new SimulatedClock(Instant.parse("2026-11-27T00:00:00Z"));
        List<String> podLog = podLog(clock);
        AnalysisCatalogue cat = SoakTestCatalogue.catalogue();

        client.pods().inNamespace("monitoring").resource(new PodBuilder().withNewMetadata().withName("migrate-soak-x7k2p")
                .withNamespace("monitoring").addToLabels("job-name", "migrate-soak").endMetadata().build()).create();
        server.expect().get().withPath("/api/v1/namespaces/monitoring/pods/migrate-soak-x7k2p/log?pretty=false&follow=true")
                .andReturn(200, String.join("\n", podLog) + "\n").always();

        Settings local = settings().with(Map.of("soak-duration", "2h"));
        SoakSession session = new SoakSession(new Ledger(local.stateDir()));
        String out = capture(p -> InCluster.attach(local, session, cat, mock(), clock, p, warnings::add), ExitCodes.OK);
        assertTrue(out.contains("attached to pod monitoring/migrate-soak-x7k2p"), out);
        assertTrue(out.contains("soak passed: observed 2h of 2h, 120 cycles"), out);
        assertTrue(warnings.contains("pod: Picked up JAVA_TOOL_OPTIONS: -XX:MaxRAMPercentage=60"), warnings.toString());
        StepRecord rec = new Ledger(local.stateDir()).latest("soak").orElseThrow();
        assertTrue(rec.passed());
        assertTrue(rec.summary().startsWith("in-cluster; passed"), rec.summary());
        assertEquals("7200", rec.details().get("durationSeconds"));
        assertEquals(local.digest(), rec.settingsDigest());
        Path copy = local.stateDir().resolve("soak/cluster-journal.jsonl");
        assertEquals(podLog.subList(1, podLog.size()), Files.readAllLines(copy));
        assertTrue(Files.exists(local.stateDir().resolve("soak/report.html")));
    }

    @Test
    void attachFollowsAgainWhenTheLogEndsWithoutAVerdict() throws Exception {
        SimulatedClock clock = new SimulatedClock(Instant.parse("2026-11-27T00:00:00Z"));
        List<String> podLog = podLog(clock);
        client.pods().inNamespace("monitoring").resource(new PodBuilder().withNewMetadata().withName("migrate-soak-r2d2")
                .withNamespace("monitoring").addToLabels("job-name", "migrate-soak").endMetadata().build()).create();
        String path = "/api/v1/namespaces/monitoring/pods/migrate-soak-r2d2/log?pretty=false&follow=true";
        // the container restarted mid-soak: its first log stops after 40 cycles; the next one replays everything
        server.expect().get().withPath(path).andReturn(200, String.join("\n", podLog.subList(0, 42)) + "\n").once();
        server.expect().get().withPath(path).andReturn(200, String.join("\n", podLog) + "\n").once();
        Settings local = settings().with(Map.of("soak-duration", "2h"));
        String out = capture(p -> InCluster.attach(local, new SoakSession(new Ledger(local.stateDir())), SoakTestCatalogue.catalogue(),
                mock(), clock, p, warnings::add), ExitCodes.OK);
        assertTrue(warnings.contains("soak: the pod's log ended without a verdict; looking for its pod again"), warnings.toString());
        assertTrue(out.contains("120 cycles"), out);
        assertEquals(podLog.subList(1, podLog.size()), Files.readAllLines(local.stateDir().resolve("soak/cluster-journal.jsonl")),
                "the local copy is the whole journal once, not the first part twice");
    }

    @Test
    void attachWithoutAJobSaysHowToStartIt() {
        Settings local = settings();
        UserError e = assertThrows(UserError.class, () -> InCluster.attach(local, new SoakSession(new Ledger(local.stateDir())),
                SoakTestCatalogue.catalogue(), mock(), new SimulatedClock(Instant.EPOCH), new PrintWriter(new ByteArrayOutputStream(), true), warnings::add));
        assertEquals("no pod of Job monitoring/migrate-soak yet; start it with 'migrate soak --in-cluster --apply'", e.getMessage());
    }
}
