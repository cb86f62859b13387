package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.ledger.Ledger;
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
 * `migrate deploy` without --dry-run, through the CLI, against the kube-apiserver double
 * ({@link FakeApiServer}: fabric8's CRUD mock plus server-side apply, seeded as the homelab).
 * No controller runs here, so these tests stay on paths that do not wait for a rollout.
 */
class DeployCommandLiveTest {
    @TempDir
    Path dir;
    FakeApiServer api;
    Path kubeconfig;
    Path config;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        Homelab.seed(api);
        kubeconfig = api.kubeconfig(dir, Homelab.CONTEXT);
        config = Files.writeString(dir.resolve("migrate.yaml"), "");
        api.clearRequests();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private CliRun deploy(String... args) {
        List<String> all = new ArrayList<>(List.of("deploy", "--config", config.toString(),
                "--kubeconfig", kubeconfig.toString(), "--state-dir", dir.resolve("state").toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void aBundleThatFailsARuleIsNeverSentToTheCluster() {
        CliRun run = deploy("--context", Homelab.CONTEXT, "--vip", "10.10.30.200");
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("(nothing was applied)"), run.err());
        assertTrue(run.out().contains("FAIL  service.vip-in-pool"), run.out());
        assertEquals(List.of(), api.requests(), "not one request reaches the API server");
        assertFalse(Files.exists(dir.resolve("state").resolve(Ledger.FILE)));
    }

    @Test
    void diffShowsWhatWouldChangeAndWritesNothing() throws Exception {
        CliRun run = deploy("--context", Homelab.CONTEXT, "--diff", "-o", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode result = Json.MAPPER.readTree(run.out());
        assertEquals(6, result.get("changes").size(), run.out());
        assertFalse(api.applies().isEmpty());
        assertTrue(api.applies().stream().allMatch(a -> a.query().contains("dryRun=All")),
                "every apply of --diff is a server dry-run");
        assertEquals(null, api.client().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get(),
                "nothing was created");
        assertFalse(run.out().contains(FakeApiServer.TOKEN) || run.err().contains(FakeApiServer.TOKEN));
    }

    @Test
    void anUnknownContextIsOneLineListingTheKnownOnes() {
        CliRun run = deploy("--context", "homelab-typo");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("homelab-typo") && run.errorLine().contains(Homelab.CONTEXT), run.err());
        assertEquals(List.of(), api.requests());
    }
}
