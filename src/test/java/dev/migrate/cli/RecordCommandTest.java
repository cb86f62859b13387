package dev.migrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.bundle.Prepared;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.deploy.DeployOptions;
import dev.migrate.deploy.DeployResult;
import dev.migrate.deploy.DeployRunner;
import dev.migrate.deploy.FakeTime;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.settings.Settings;
import dev.migrate.settings.SettingsLoader;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.SoakTestCatalogue;
import dev.migrate.soak.incluster.InCluster;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The golden record: a real ledger produced by the four steps' own code, one after the other on one
 * state directory and one migrate.yaml, then `migrate record` compared with a stored text.
 * <ul>
 *   <li>deploy: {@link DeployRunner} against the kube-apiserver double (as DeployRunnerTest; the test
 *   plays the Deployment controller and Cilium LB IPAM at each sleep of a fake clock);</li>
 *   <li>verify: `migrate verify` against {@link PipelineWorld} (real Prometheus and Alertmanager, doubles
 *   for the collector, Loki and Grafana);</li>
 *   <li>soak: `migrate soak`, 24 h in simulated time over a fake Prometheus (as SoakCommandTest);</li>
 *   <li>retire: `migrate retire --yes` on a real dockerd (no bridge, no NAT) against a v1.1.1-shaped
 *   compose project, its last look at the pipeline being verify's real checks against the PipelineWorld.</li>
 * </ul>
 * Normalized before the comparison, and only these, because they differ on every run: the temp
 * directory, ISO timestamps and report-file stamps, the API server's port, the 16-digit short digests (the settings digest
 * covers checks-dir, a temp path; the migration id covers the first record's time), retire's run id
 * in the archive directory name, the anonymous volume's random name, the files' sizes (they hold the paths), and each archive's size and sha256
 * (tar headers carry mtimes).
 * Object digests are not normalized: the rendered objects are the same on every run.
 * Regenerate the golden file after an intended change: MIGRATE_WRITE_GOLDEN=1 mvn test -Dtest=RecordCommandTest
 */
class RecordCommandTest {
    static final Path GOLDEN = Path.of("src/test/resources/record/golden-record.txt");
    static final Instant SOAK_T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    static Path tmp;
    static PipelineWorld world;
    static DockerdProcess dockerd;
    static KubeApiServer api;
    static Path state;
    static Path config;

    @BeforeAll
    static void runTheMigration() throws Exception {
        world = new PipelineWorld(2);
        dockerd = DockerdProcess.start();
        // The real kube-apiserver + etcd, shared by the suite; as admin, since verify's cluster check also reads
        // pods, which the operator role (exactly what deploy needs) does not grant.
        api = KubeApiServer.shared();
        Homelab.seed(api);
        state = tmp.resolve("state");
        Path checks = Files.createDirectories(tmp.resolve("checks"));
        Files.writeString(checks.resolve("soak.yaml"), SoakTestCatalogue.YAML);
        Files.copy(Path.of("checks/verify.yaml"), checks.resolve("verify.yaml"));
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        config = Files.writeString(tmp.resolve("migrate.yaml"), "context: " + Homelab.CONTEXT + "\n"
                + "kubeconfig: " + api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.ADMIN) + "\n"
                + "checks-dir: " + checks + "\n"
                + "backup-dir: " + backups + "\n"
                + "vip-dns-name: otel.k8s.example.com\n");

        // deploy
        Settings settings = SettingsLoader.load(Optional.of(config), Map.of("state-dir", state.toString()));
        // The rollout and the VIP played at deploy's sleeps: the record's text is the subject, not the rollout,
        // and the golden pins this loopback world's endpoints. The seed's plan records on real controllers
        // (homelab/SeedPlanEndToEndTest).
        FakeTime time = new FakeTime().onSleep(Homelab.healthyControllers(api.admin()));
        ByteArrayOutputStream deployOut = new ByteArrayOutputStream();
        try (Cluster cluster = ClusterFactory.connect(settings)) {
            DeployResult deployed = new DeployRunner(time, time, dev.migrate.io.ProgressSink.of(
                    new java.io.PrintWriter(new PrintStream(deployOut, true, StandardCharsets.UTF_8), true), null)).run(settings, Prepared.of(settings).bundle(),
                    // Loki stays a double (AGPL) and the real service proxy does not reach 127.0.0.1: --loki-url.
                    new DeployOptions(false, false, DeployOptions.DEFAULT_TIMEOUT, java.util.Set.of(),
                            Optional.of(java.net.URI.create(world.loki.url()))), cluster);
            assertEquals(ExitCodes.OK, deployed.exitCode(), deployOut.toString(StandardCharsets.UTF_8));
        }

        // verify
        // The world's colliding session (two cumulative processes on one session, a client fault on purpose)
        // fails the clients check; this record follows a team whose clients are set up right.
        List<String> verifyArgs = new ArrayList<>(endpoints());
        verifyArgs.addAll(List.of("--skip", "clients"));
        CliRun verify = CliRun.of(with("verify", verifyArgs));
        assertEquals(ExitCodes.OK, verify.exitCode(), verify.out() + verify.err());

        // soak: 24 h in simulated time
        SoakCommand.Wiring wiring = new SoakCommand.Wiring(new SimulatedClock(SOAK_T0),
                (o, s) -> SoakCommandTest.edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        CliRun soak = CliRun.of(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SoakCommand.class ? type.cast(new SoakCommand(wiring)) : CommandLine.defaultFactory().create(type);
            }
        }, with("soak", List.of("--prometheus-url", "http://127.0.0.1:9", "--otlp-endpoint", "http://127.0.0.1:9")));
        assertEquals(ExitCodes.OK, soak.exitCode(), soak.out() + soak.err());

        // retire, on a real dockerd, with verify's real checks against the pipeline world for its gate
        dockerd.importBusybox(ComposeFixture.IMAGE);
        Path project = ComposeFixture.up(dockerd, tmp, "claude-monitoring", ComposeFixture.stack());
        dockerd.compose(project, "exec", "-T", "claude-prometheus", "sh", "-c", "echo tsdb > /prometheus/chunk");
        List<String> retireArgs = new ArrayList<>(endpoints());
        retireArgs.addAll(List.of("--docker-host", dockerd.host(), "--yes"));
        CliRun retire = CliRun.of(with("retire", retireArgs));
        assertEquals(ExitCodes.OK, retire.exitCode(), retire.out() + retire.err());
    }

    @AfterAll
    static void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
        if (world != null) {
            world.close();
        }
    }

    static List<String> endpoints() {
        return List.of("--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                "--grafana-url", world.grafana.url(), "--alertmanager-url", world.alertmanager.url(),
                "--otlp-grpc-endpoint", world.collector.grpcEndpoint(), "--otlp-http-endpoint", world.collector.httpEndpoint());
    }

    static String[] with(String command, List<String> extra) {
        List<String> a = new ArrayList<>(List.of(command, "--config", config.toString(), "--state-dir", state.toString()));
        a.addAll(extra);
        return a.toArray(String[]::new);
    }

    /** Only what differs on every run (see the class comment). */
    static String normalize(String text) {
        return text.replace(tmp.toAbsolutePath().toString(), "<TMP>")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z", "<TIME>")
                .replaceAll("(https?)://127\\.0\\.0\\.1:\\d+", "$1://127.0.0.1:<PORT>")
                .replaceAll("\\d{8}T\\d{6}Z", "<STAMP>")
                .replaceAll("[0-9a-f]{64}(?=[ .])", "<ANONYMOUS-VOLUME>")
                .replaceAll("sha256:[0-9a-f]{16}(?![0-9a-f])", "sha256:<SHORT>")
                .replaceAll("claude-monitoring-<STAMP>-[0-9a-f]{6}", "claude-monitoring-<RUN>")
                .replaceAll("(\\| \\S+ \\| \\S+\\.tar\\.gz \\| )\\d+ \\| `[^`]+`", "$1<BYTES> | `<SHA256>`")
                .replaceAll("\\| \\d{4}-\\d{2}-\\d{2} \\| v", "| <DATE> | v")
                .replaceAll("\\(\\d+ bytes\\)", "(<N> bytes)")
                .replaceAll("homelab-[0-9a-f]{8}\\.yaml", "homelab-<ID>.yaml"); // the harness names each kubeconfig
    }

    /** The first line that differs, so that a CI log cut after the first screen still shows it. */
    static String firstDifference(String want, String got) {
        String[] w = want.split("\n", -1);
        String[] g = got.split("\n", -1);
        for (int i = 0; i < Math.max(w.length, g.length); i++) {
            String a = i < w.length ? w[i] : "(end)";
            String b = i < g.length ? g[i] : "(end)";
            if (!a.equals(b)) {
                return "at line " + (i + 1) + ": golden [" + a + "] but got [" + b + "]";
            }
        }
        return "";
    }

    @Test
    void theRecordShowsExactlyWhatTheLedgerHolds() throws Exception {
        CliRun run = CliRun.of(with("record", List.of()));
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        String got = normalize(run.out());
        if ("1".equals(System.getenv("MIGRATE_WRITE_GOLDEN"))) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, got);
        }
        String want = Files.readString(GOLDEN);
        assertEquals(want, got, "the record differs from " + GOLDEN + " " + firstDifference(want, got)
                + " (MIGRATE_WRITE_GOLDEN=1 mvn test -Dtest=RecordCommandTest after an intended change)");
        String kubeconfig = Files.readString(api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.ADMIN));
        String keyData = kubeconfig.replaceAll("(?s).*client-key-data: (\\S+).*", "$1");
        assertFalse(run.out().contains(keyData) || run.out().contains("client-key-data") || run.out().contains("PRIVATE KEY"),
                "no credential in the record");
        assertFalse(run.out().contains("| " + dev.migrate.record.RebuildGuide.NOT_DONE + " |"), "every step ran: none is 'not done yet'");
    }

    @Test
    void theRecordStatesTheLedgersFactsNotTheCurrentRender() throws Exception {
        Ledger ledger = new Ledger(state);
        StepRecord deploy = ledger.latest("deploy").orElseThrow();
        StepRecord retire = ledger.latest("retire").orElseThrow();
        JsonNode doc = Json.MAPPER.readTree(CliRun.of(with("record", List.of("-o", "json"))).out());
        String guide = doc.get("files").get(0).get("content").asText();
        assertTrue(guide.contains("| API server | " + deploy.details().get("server") + " |"), guide);
        for (String pair : deploy.details().get("objectDigests").split(",")) {
            assertTrue(guide.contains("`" + pair.substring(pair.lastIndexOf('=') + 1) + "` | the same |"), pair + "\n" + guide);
        }
        assertTrue(guide.contains("--backup-dir " + retire.details().get("archiveDir")), guide);
        for (JsonNode step : doc.get("steps")) {
            assertEquals("passed", step.asText(), doc.toString());
        }
        assertEquals(deploy.details().get("objectDigests").split(",").length, doc.at("/deployed/objects").size(), doc.toString());
        for (JsonNode o : doc.at("/deployed/objects")) {
            assertEquals(o.get("recordedDigest").asText(), o.get("currentDigest").asText(), o.toString());
        }
        assertEquals(3, doc.get("archives").size(), "two named volumes and the anonymous one: " + doc.get("archives"));
        assertTrue(doc.get("restore").asText().startsWith("migrate retire --restore --project claude-monitoring"));
        assertTrue(doc.get("snippets").get("vips-row").asText().equals(
                "| otel-collector | 10.10.30.22 | otel.k8s.example.com | Cilium L2 |\n"), doc.toString());
    }

    @Test
    void writingTheRecordIsTheLastStepAndStatusThenSaysComplete() throws Exception {
        Path out = tmp.resolve("docs-rebuild");
        CliRun status = CliRun.of("status", "--config", config.toString(), "--state-dir", state.toString());
        assertTrue(status.out().contains("next: migrate record"), status.out());
        CliRun run = CliRun.of(with("record", List.of("--out", out.toString())));
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        assertTrue(Files.readString(out.resolve("rebuild-0.15.0-claude-monitoring.md")).contains("## 6. The old Compose stack"));
        assertTrue(Files.exists(out.resolve("rebuild-0.15.0-snippets.md")));
        status = CliRun.of("status", "--config", config.toString(), "--state-dir", state.toString());
        assertTrue(status.out().contains("next: nothing: the migration is complete"), status.out());
        CliRun again = CliRun.of(with("record", List.of("--out", out.toString())));
        assertEquals(ExitCodes.OK, again.exitCode(), "the same migration's record is brought up to date: " + again.err());
    }

    @Test
    void theManifestFilesTheGuideNamesAreTheOnesItsCommandWrites() throws Exception {
        String guide = CliRun.of(with("record", List.of())).out();
        String command = guide.lines().filter(l -> l.startsWith("migrate deploy --dry-run --out ")).findFirst()
                .orElseThrow(() -> new AssertionError("the rebuild guide gives no command for the manifest files:\n" + guide));
        String sentence = guide.lines().filter(l -> l.startsWith("It writes `")).findFirst()
                .orElseThrow(() -> new AssertionError("the rebuild guide does not name the manifest files:\n" + guide));
        List<String> named = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([^`]+)`").matcher(sentence.substring(0, sentence.indexOf(" (listing")));
        while (m.find()) {
            named.add(m.group(1));
        }
        assertTrue(command.contains("# writes " + named.size() + " files"), command + " / " + sentence);

        // The command as the guide gives it, its relative DIR inside a homelab repository of this test.
        List<String> args = new ArrayList<>(List.of(command.replaceAll("\\s+#.*$", "").substring("migrate deploy ".length()).split(" ")));
        String relative = args.get(args.indexOf("--out") + 1);
        assertTrue(guide.contains("kubectl apply --server-side --field-manager=migrate -k " + relative + "\n"), guide);
        Path dir = tmp.resolve("homelab-repo").resolve(relative);
        args.set(args.indexOf("--out") + 1, dir.toString());
        CliRun run = CliRun.of(with("deploy", args));
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(named.stream().sorted().toList(), files.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals(dev.migrate.data.OutputDirectory.INDEX)).sorted().toList(), "the guide names the files written");
        }
    }

    @Test
    void theRestoreCommandTheRecordGivesRestoresTheRetiredVolumes() {
        String guide = CliRun.of(with("record", List.of())).out();
        String command = guide.lines().filter(l -> l.startsWith("migrate retire --restore ")).findFirst().orElseThrow();
        List<String> args = new ArrayList<>(List.of(command.substring("migrate ".length()).split(" ")));
        args.addAll(List.of("--docker-host", dockerd.host(), "--state-dir", state.toString())); // this test's engine
        assertFalse(ComposeFixture.volumeNames(dockerd).contains("claude-monitoring_claude_prometheus_data"), "retired");
        CliRun restore = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCodes.OK, restore.exitCode(), restore.out() + restore.err());
        assertEquals("tsdb\n", dockerd.docker("run", "--rm", "--network", "none", "-v",
                "claude-monitoring_claude_prometheus_data:/v", ComposeFixture.IMAGE, "cat", "/v/chunk"));
    }
}
