package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.cluster.AtCall;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import picocli.CommandLine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `migrate deploy` without --dry-run, through the CLI, against a real kube-apiserver 1.35 with the
 * real prometheus-operator and Cilium CRDs ({@link KubeApiServer}, as homelab-operator): the
 * bundle the real renderer makes is validated by the real server (strict field validation, the
 * CRDs' schemas). Loki is a double at --loki-url (AGPL; the real proxy will not reach 127.0.0.1).
 * No controller runs here, so these tests stay on paths that do not wait for a rollout.
 */
class DeployCommandLiveTest {
    @TempDir
    Path dir;
    KubeApiServer api;
    Path kubeconfig;
    Path config;
    LokiDouble loki;

    @BeforeEach
    void start() throws Exception {
        api = KubeApiServer.shared();
        Homelab.seed(api);
        kubeconfig = api.kubeconfig(dir, Homelab.CONTEXT, KubeApiServer.OPERATOR);
        config = Files.writeString(dir.resolve("migrate.yaml"), "");
        loki = new LokiDouble().config(Homelab.LOKI_CONFIG);
    }

    @AfterEach
    void stop() {
        loki.close();
    }

    private CliRun deploy(String... args) {
        return deploy(CommandLine.defaultFactory(), args);
    }

    private CliRun deploy(CommandLine.IFactory factory, String... args) {
        List<String> all = new ArrayList<>(List.of("deploy", "--config", config.toString(),
                "--kubeconfig", kubeconfig.toString(), "--state-dir", dir.resolve("state").toString(),
                "--loki-url", loki.url()));
        all.addAll(List.of(args));
        return CliRun.of(factory, all.toArray(String[]::new));
    }

    /** deploy whose cluster connection is interrupted (SIGINT, as SignalGuard delivers it) as the third apply begins. */
    static final CommandLine.IFactory INTERRUPTED_AT_THE_THIRD_APPLY = new CommandLine.IFactory() {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return type == DeployCommand.class
                    ? type.cast(new DeployCommand(s -> AtCall.before(ClusterFactory.connect(s), "apply", 3, AtCall.INTERRUPT)))
                    : CommandLine.defaultFactory().create(type);
        }
    };

    @Test
    void anInterruptDuringTheApplyUnderJsonStillPrintsWhatWasApplied() throws Exception {
        CliRun run;
        try {
            run = deploy(INTERRUPTED_AT_THE_THIRD_APPLY, "--context", Homelab.CONTEXT, "-o", "json");
        } finally {
            Thread.interrupted(); // the test thread goes on
        }

        assertEquals(ExitCodes.INTERRUPTED, run.exitCode(), run.out() + run.err());
        String error = run.errorLine();
        assertTrue(error.startsWith("migrate: error: interrupted during the apply: applied 2 objects (2 created)"
                + " [ConfigMap/monitoring/otel-collector-config created, Deployment/monitoring/otel-collector created]"), error);
        // stdout is still one document, and it names each object the run changed before it stopped
        JsonNode doc = Json.MAPPER.readTree(run.out());
        assertEquals("interrupted", doc.path("outcome").asText(), run.out());
        assertEquals(ExitCodes.INTERRUPTED, doc.path("exitCode").asInt(), run.out());
        List<String> changes = new ArrayList<>();
        doc.path("changes").forEach(c -> changes.add(c.path("id").asText() + " " + c.path("action").asText()));
        assertEquals(List.of("ConfigMap/monitoring/otel-collector-config created", "Deployment/monitoring/otel-collector created"),
                changes, run.out());
        assertEquals(error.substring("migrate: error: ".length()), doc.path("summary").asText());
        assertEquals(6, doc.path("plan").path("objects").size(), run.out());
        StepRecord rec = new Ledger(dir.resolve("state")).latest("deploy").orElseThrow();
        assertEquals(StepRecord.INTERRUPTED, rec.outcome());
        assertEquals("ConfigMap/monitoring/otel-collector-config=created,Deployment/monitoring/otel-collector=created",
                rec.details().get("changed"));
    }

    @Test
    void aBundleThatFailsARuleIsNeverSentToTheCluster() {
        int mark = api.mark();
        CliRun run = deploy("--context", Homelab.CONTEXT, "--vip", "10.10.30.200");
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("(nothing was applied)"), run.err());
        assertTrue(run.out().contains("FAIL  service.vip-in-pool"), run.out());
        assertEquals(List.of(), api.requestsSince(mark), "not one request reaches the API server");
        assertFalse(Files.exists(dir.resolve("state").resolve(Ledger.FILE)));
    }

    @Test
    void diffShowsWhatWouldChangeAndWritesNothing() throws Exception {
        int mark = api.mark();
        CliRun run = deploy("--context", Homelab.CONTEXT, "--diff", "-o", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertEquals(6, result.get("changes").size(), run.out());
        var applies = api.requestsSince(mark).stream().filter(r -> r.verb().equals("patch")).toList();
        assertEquals(6, applies.size(), applies.toString());
        assertTrue(applies.stream().allMatch(a -> a.uri().contains("dryRun=All") && a.code() < 300),
                "every apply of --diff is a server dry-run the real server accepted: " + applies);
        assertEquals(null, api.admin().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get(),
                "nothing was created");
        String key = api.clientKeyData(KubeApiServer.OPERATOR);
        assertFalse(run.out().contains(key) || run.err().contains(key));
    }

    @Test
    void anUnknownContextIsOneLineListingTheKnownOnes() {
        int mark = api.mark();
        CliRun run = deploy("--context", "homelab-typo");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("homelab-typo") && run.errorLine().contains(Homelab.CONTEXT), run.err());
        assertEquals(List.of(), api.requestsSince(mark));
    }
}
