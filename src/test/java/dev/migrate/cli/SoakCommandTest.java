package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import dev.migrate.ExitCodes;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.NamedChecks;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.SoakEdges;
import dev.migrate.soak.SoakTestCatalogue;
import dev.migrate.soak.incluster.InCluster;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `migrate soak` end to end in one JVM, with simulated time and in-test Prometheus and probe. */
class SoakCommandTest {
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

    @TempDir
    Path dir;

    /** The edges the next `migrate soak` of this test gets. */
    SoakCommand.Wiring wiring = SoakCommand.Wiring.REAL;

    /** Edges over a fake Prometheus and a probe that takes {@code delay} ms (growing slowly, to chart something). */
    static SoakEdges edges(FakePrometheus prom, List<String> urls) {
        return new SoakEdges() {
            int n;

            @Override
            public PrometheusApi prometheus(String url) {
                urls.add(url);
                return prom;
            }

            @Override
            public LokiApi loki(String url) {
                throw new AssertionError("no LogQL check in the test catalogue");
            }

            @Override
            public RoundTrip roundTrip(Settings settings, String otlpEndpoint, PrometheusApi p, LokiApi l) {
                urls.add(otlpEndpoint);
                return () -> new RoundTrip.Result(true, Duration.ofMillis(2000 + (n++ % 300) * 10), "found");
            }

            @Override
            public NamedChecks verifyChecks(Settings settings, PrometheusApi p, LokiApi l) {
                return null;
            }
        };
    }

    /** Settings the next run's migrate.yaml holds beside checks-dir. */
    String moreSettings = "";

    Path config() throws Exception {
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Files.writeString(checks.resolve("soak.yaml"), SoakTestCatalogue.YAML);
        return Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n" + moreSettings);
    }

    /** {exit code, stdout, stderr} of an in-process run. */
    Object[] run(String... args) {
        CliRun r = CliRun.of(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SoakCommand.class ? type.cast(new SoakCommand(wiring)) : CommandLine.defaultFactory().create(type);
            }
        }, args);
        return new Object[] {r.exitCode(), r.out(), r.err()};
    }

    String[] args(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("soak", "--config", config().toString(), "--state-dir", dir.resolve("state").toString(),
                "--prometheus-url", "http://127.0.0.1:9", "--otlp-endpoint", "http://127.0.0.1:9"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aDayLongSoakEndsWithReportsAndAVerdictRetireCanRead() throws Exception {
        List<String> urls = new ArrayList<>();
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> edges(FakePrometheus.healthy(), urls), InCluster.FABRIC8);
        Object[] r = run(args());
        String out = (String) r[1];
        assertEquals(ExitCodes.OK, r[0], out + r[2]);
        assertEquals(List.of("http://127.0.0.1:9", "http://127.0.0.1:9"), urls);
        assertTrue(out.contains("soak passed: observed 24h of 24h, 1440 cycles, 0 failed measurements"), out);
        // not a terminal: plain progress lines, one per 10 minutes of soak time
        assertTrue(out.lines().filter(l -> l.contains(" elapsed, ")).count() >= 140, out);

        StepRecord rec = new Ledger(dir.resolve("state")).latest("soak").orElseThrow();
        assertTrue(rec.passed());
        assertEquals("86400", rec.details().get("durationSeconds"));
        assertEquals("86400", rec.details().get("coverageSeconds"));
        assertEquals("1440", rec.details().get("cycles"));
        assertEquals("0", rec.details().get("failures"));
        assertEquals(Settings.defaults().with(java.util.Map.of("checks-dir", dir.resolve("checks").toString())).digest(), rec.settingsDigest());

        Path html = dir.resolve("state/soak/report.html");
        assertEquals(html.toString(), rec.reportPath());
        String page = Files.readString(html);
        assertFalse(page.contains("http://") || page.contains("https://") || page.contains("<script"), "self-contained");
        assertTrue(Files.readString(dir.resolve("state/soak/report.json")).contains("\"outcome\" : \"passed\""));
        String junit = Files.readString(dir.resolve("state/soak/report.junit.xml"));
        assertTrue(junit.contains("<testcase") && junit.contains("coverage") && !junit.contains("<failure"), junit);

        // The report as a browser renders it: the three charts are there, with data in them.
        String dom = chromiumDom(html);
        for (String id : List.of("timeline", "round-trip", "data-rate")) {
            assertTrue(dom.contains("<svg id=\"" + id + "\""), id + " chart missing from the rendered DOM");
        }
        assertEquals(4, count(dom, "<rect class=\"m pass\""), "one merged pass run per check");
        assertTrue(count(dom, "<polyline class=\"series round-trip\"") == 1 && count(dom, "<polyline class=\"series data-rate\"") == 1);

        // Running it again does not start a second soak: it reports the finished one.
        Object[] again = run(args());
        assertEquals(ExitCodes.OK, again[0]);
        assertTrue(((String) again[1]).startsWith("this soak already ended (passed"), (String) again[1]);
    }

    @Test
    void aSixHourGapShowsInTheReportAndIsNotAPass() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        clock.onSleep(to -> to.equals(T0.plus(Duration.ofHours(2))) ? to.plus(Duration.ofHours(6)) : to);
        wiring = new SoakCommand.Wiring(clock, (o, s) -> edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        Object[] r = run(args());
        assertEquals(ExitCodes.INCONCLUSIVE, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("INCONCLUSIVE  coverage"), (String) r[1]);
        StepRecord rec = new Ledger(dir.resolve("state")).latest("soak").orElseThrow();
        assertEquals(StepRecord.INCONCLUSIVE, rec.outcome());
        assertEquals(String.valueOf(6 * 3600), rec.details().get("gapSeconds"));
        String dom = chromiumDom(dir.resolve("state/soak/report.html"));
        assertEquals(3, count(dom, "<rect class=\"gap\""), "the gap is marked on each of the three charts");
    }

    @Test
    void theReportOfAFinishedSoakNeedsNoneOfItsRunsFlags() throws Exception {
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        Object[] ran = run(args("--duration", "2h", "--interval", "30s", "--max-gap", "1m"));
        assertEquals(ExitCodes.OK, ran[0], (String) ran[1] + ran[2]);

        Object[] r = run(args("--report"));

        assertEquals(ExitCodes.OK, r[0], (String) r[2]);
        assertTrue(((String) r[1]).startsWith("soak passed: observed 2h of 2h, 240 cycles"), (String) r[1]);
        assertFalse(((String) r[2]).contains("other settings"), (String) r[2]);
    }

    @Test
    void reportOnDemandReadsTheJournalOfARunningSoak() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        wiring = new SoakCommand.Wiring(clock, (o, s) -> edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        // a journal with 2 hours of cycles, as if another process were still running the soak
        clock.onSleep(to -> {
            if (to.isAfter(T0.plus(Duration.ofHours(2)))) {
                Thread.currentThread().interrupt();
            }
            return to;
        });
        Object[] stopped = run(args("--duration", "24h"));
        assertEquals(ExitCodes.INTERRUPTED, stopped[0], (String) stopped[1] + stopped[2]);
        assertTrue(((String) stopped[1]).contains("resume with: migrate soak --config"), (String) stopped[1]);
        assertEquals(StepRecord.INTERRUPTED, new Ledger(dir.resolve("state")).latest("soak").orElseThrow().outcome());
        Thread.interrupted();
        Object[] r = run(args("--report"));
        assertEquals(ExitCodes.INCONCLUSIVE, r[0]);
        assertTrue(((String) r[1]).contains("the soak has not run its full duration yet"), (String) r[1]);
    }

    @Test
    void badInputIsOneLineAndNothingIsStarted() throws Exception {
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        String[][] cases = {
                {"--duration", "1day"}, {"--interval", "60s", "--duration", "30s"}, {"--interval", "0s"},
                {"--apply"}, {"--report", "--attach"}, {"--max-gap", "five"}};
        String[] expected = {
                "migrate: error: --duration '1day' is not a duration (expected a whole number and a unit ms, s, m, h or d, e.g. 90s, 15m, 24h, 2d)",
                "migrate: error: --interval 1m must be shorter than --duration 30s (and above zero); e.g. --duration 24h --interval 60s",
                "migrate: error: --interval '0s' is zero; a duration must be positive (e.g. 90s, 15m, 24h)",
                "migrate: error: --apply only goes with --in-cluster: 'migrate soak --in-cluster --apply'",
                "migrate: error: choose one of --in-cluster, --attach and --report",
                "migrate: error: --max-gap 'five' is not a duration (expected a whole number and a unit ms, s, m, h or d, e.g. 90s, 15m, 24h, 2d)"};
        for (int i = 0; i < cases.length; i++) {
            Object[] r = run(args(cases[i]));
            assertEquals(ExitCodes.USAGE, r[0], String.join(" ", cases[i]));
            assertEquals(expected[i], ((String) r[2]).strip());
        }
        assertFalse(Files.exists(dir.resolve("state/soak/journal.jsonl")));
        // Prometheus not answering at the start: a wrong URL, said at once, no journal
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> edges(new FakePrometheus((q, at) -> null), new ArrayList<>()), InCluster.FABRIC8);
        Object[] r = run(args());
        assertEquals(ExitCodes.USAGE, r[0]);
        assertTrue(((String) r[2]).startsWith("migrate: error: Prometheus at http://127.0.0.1:9 did not answer (UNREACHABLE"), (String) r[2]);
        assertFalse(Files.exists(dir.resolve("state/soak/journal.jsonl")));
        // a build without the probe: said at once, before any journal exists
        SoakEdges real = edges(FakePrometheus.healthy(), new ArrayList<>());
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> new SoakEdges() {
            @Override
            public PrometheusApi prometheus(String url) {
                return real.prometheus(url);
            }

            @Override
            public LokiApi loki(String url) {
                return real.loki(url);
            }

            @Override
            public RoundTrip roundTrip(Settings settings, String otlpEndpoint, PrometheusApi p, LokiApi l) {
                return null;
            }

            @Override
            public NamedChecks verifyChecks(Settings settings, PrometheusApi p, LokiApi l) {
                return null;
            }
        }, InCluster.FABRIC8);
        Object[] noProbe = run(args());
        assertEquals(ExitCodes.USAGE, noProbe[0]);
        assertTrue(((String) noProbe[2]).contains("uses the synthetic round trip (verify's OTLP probe), which this build does not provide"),
                (String) noProbe[2]);
        assertFalse(Files.exists(dir.resolve("state/soak/journal.jsonl")));
    }

    @Test
    void otherSettingsRefuseToResumeUntilRestart() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        wiring = new SoakCommand.Wiring(clock, (o, s) -> edges(FakePrometheus.healthy(), new ArrayList<>()), InCluster.FABRIC8);
        assertEquals(ExitCodes.OK, run(args("--duration", "1h"))[0]);
        Object[] r = run(args("--duration", "2h"));
        assertEquals(ExitCodes.REFUSED, r[0]);
        String err = ((String) r[2]).strip();
        assertEquals(1, err.lines().count());
        assertTrue(err.contains("belongs to a soak with other settings") && err.contains("'migrate soak --restart'"), err);
        Object[] fresh = run(args("--duration", "2h", "--restart"));
        assertEquals(ExitCodes.OK, fresh[0], (String) fresh[2]);
        assertTrue(((String) fresh[2]).contains("archived the previous journal"), (String) fresh[2]);
        assertEquals("7200", new Ledger(dir.resolve("state")).latest("soak").orElseThrow().details().get("durationSeconds"));
    }

    @Test
    void theInClusterRunnerPrintsItsJournalAndExitsZeroOnceDecided() throws Exception {
        FakePrometheus down = new FakePrometheus((q, at) -> FakePrometheus.value(0)); // collector down from the start
        wiring = new SoakCommand.Wiring(new SimulatedClock(T0), (o, s) -> edges(down, new ArrayList<>()), InCluster.FABRIC8);
        Object[] r = run(args("--journal-stdout"));
        String out = (String) r[1];
        assertEquals(ExitCodes.OK, r[0], "a decided soak must not be restarted by the Job: " + out);
        List<String> records = out.lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(Files.readAllLines(dir.resolve("state/soak/journal.jsonl")), records, "stdout carries the whole journal");
        assertTrue(records.get(records.size() - 1).contains("\"outcome\":\"failed\""), records.get(records.size() - 1));
        assertEquals(StepRecord.FAILED, new Ledger(dir.resolve("state")).latest("soak").orElseThrow().outcome());
    }

    @Test
    void inClusterWithoutASoakImageSaysSoInTheRenderAndRefusesToApply() throws Exception {
        Object[] r = run(args("--in-cluster", "--context", "homelab"));
        assertEquals(ExitCodes.OK, r[0], (String) r[2]);
        String out = (String) r[1];
        assertTrue(out.contains("kind: Job") && out.contains("image: \"\""), out);
        assertFalse(out.contains("ghcr.io"), "no made-up image: " + out);
        assertTrue(out.contains("# the Job has no image: set soak-image in migrate.yaml"), out);

        Object[] apply = run(args("--in-cluster", "--apply", "--context", "homelab"));
        assertEquals(ExitCodes.USAGE, apply[0], (String) apply[1]);
        assertTrue(((String) apply[2]).startsWith("migrate: error: --apply needs the setting soak-image"), (String) apply[2]);
        assertTrue(((String) apply[2]).contains("set soak-image: REGISTRY/migrate:VERSION in migrate.yaml"), (String) apply[2]);
        assertEquals("", apply[1], "nothing rendered as if it would run");
    }

    @Test
    void inClusterPrintsTheJobAndApplyingNeedsANamedContext() throws Exception {
        moreSettings = "soak-image: registry.home.arpa/migrate:0.1.0\n";
        Object[] r = run(args("--in-cluster", "--context", "homelab"));
        assertEquals(ExitCodes.OK, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("kind: Job") && ((String) r[1]).contains("image: registry.home.arpa/migrate:0.1.0"), (String) r[1]);
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: home, cluster: {server: "https://127.0.0.1:1"}}]
                contexts: [{name: homelab, context: {cluster: home, user: me}}]
                users: [{name: me, user: {token: t}}]
                current-context: homelab
                """);
        Object[] noContext = run(args("--in-cluster", "--apply", "--kubeconfig", kubeconfig.toString()));
        assertEquals(ExitCodes.USAGE, noContext[0]);
        assertTrue(((String) noContext[2]).startsWith("migrate: error: no kubeconfig context named"), (String) noContext[2]);
    }

    /** Renders the page in headless Chromium (Debian's `chromium`) and returns the DOM it built. */
    static String chromiumDom(Path html) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "needs Chromium for the HTML report test: apt-get install -y chromium");
        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--dump-dom", html.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
        assertTrue(dom.contains("</svg>"), "chromium rendered no SVG: " + dom.substring(0, Math.min(300, dom.length())));
        return dom;
    }

    static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
