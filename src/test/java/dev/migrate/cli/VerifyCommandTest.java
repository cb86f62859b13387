package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `migrate verify` end to end on loopback: exit codes, reports, ledger, bad input. */
class VerifyCommandTest {
    static PipelineWorld world;
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        world = new PipelineWorld(2);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    List<String> args(String... extra) {
        List<String> a = new ArrayList<>(List.of("verify", "--state-dir", tmp.resolve("state").toString(),
                "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                "--grafana-url", world.grafana.url(), "--alertmanager-url", world.alertmanager.url(),
                "--otlp-grpc-endpoint", world.collector.grpcEndpoint(), "--otlp-http-endpoint", world.collector.httpEndpoint()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void everythingPassesWritesReportsAndTheLedger() throws Exception {
        Path junit = tmp.resolve("verify.xml");
        // The world carries a colliding cumulative session on purpose (the resets panel and alert need it), which the
        // clients check rightly fails on (VerifyChecksTest): left out here, where everything else must pass.
        CliRun run = CliRun.of(args("--test-alert", "-o", "json", "--junit", junit.toString(), "--skip", "clients")
                .toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.out() + run.err());
        JsonNode doc = Json.MAPPER.readTree(run.out());
        assertEquals("migrate.check-report/v1", doc.get("schema").asText());
        assertEquals("passed", doc.get("outcome").asText());
        assertEquals(10, doc.get("counts").get("pass").asInt(), run.out());
        assertEquals(1, doc.get("counts").get("skipped").asInt(), "only the cluster check, no --context");

        StepRecord rec = new Ledger(tmp.resolve("state")).latest("verify").orElseThrow();
        assertEquals(StepRecord.PASSED, rec.outcome());
        assertEquals("skipped", rec.details().get("check.cluster"));
        assertTrue(Files.readString(Path.of(rec.reportPath())).contains("\"outcome\" : \"passed\""));

        var xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertEquals("11", xml.getDocumentElement().getAttribute("tests"));
        assertEquals("0", xml.getDocumentElement().getAttribute("failures"));
    }

    @Test
    void aFailedCheckExitsOneWithCauseAndFixInATableWithoutColour() {
        try (FakeHttpServer login = FakeHttpServer.start()) {
            login.on("/api/dashboards/uid/claude-code", Reply.html(200));
            List<String> a = args("--only", "dashboard,alert-rules");
            a.set(a.indexOf("--grafana-url") + 1, login.url());
            CliRun run = CliRun.of(a.toArray(String[]::new));
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("FAIL") && run.out().contains("cause:") && run.out().contains("fix:"), run.out());
            assertTrue(run.out().contains("verify: failed (1 passed, 1 failed"), run.out());
            assertFalse(run.out().contains("\u001b["), "no colour when stdout is not a terminal");
        }
    }

    @Test
    void onlyInconclusiveExitsThree() {
        CliRun run = CliRun.of("verify", "--state-dir", tmp.resolve("s").toString(), "--only", "synthetic-round-trip",
                "--otlp-endpoint", world.collector.grpcEndpoint());
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("INCONCLUSIVE"), run.out());
        assertEquals(StepRecord.INCONCLUSIVE, new Ledger(tmp.resolve("s")).latest("verify").orElseThrow().outcome());
    }

    @Test
    void theProbeEndpointsHostIsAlsoWhereTheOtherPortIsChecked() {
        CliRun run = CliRun.of("verify", "--state-dir", tmp.resolve("s").toString(), "--only", "vip-reachable",
                "--otlp-endpoint", world.collector.grpcEndpoint());
        assertTrue(run.out().contains("otlp-grpc " + world.collector.grpcEndpoint().replace("http://", "") + " open"), run.out());
        assertTrue(run.out().contains("otlp-http 127.0.0.1:4318"), "same host, OTLP/HTTP's default port: " + run.out());
        assertFalse(run.out().contains("10.10.30.22:"), "no connection to the default VIP once an endpoint is given");
    }

    @Test
    void nothingCheckableIsInconclusiveNotPassed() {
        CliRun run = CliRun.of("verify", "--state-dir", tmp.resolve("s").toString(), "--only", "scrape-target,loki-config");
        assertEquals(3, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("needs Prometheus: give --prometheus-url"), run.out());
        assertTrue(run.out().contains("nothing was checked"), run.out());
    }

    @Test
    void badInputIsAOneLineErrorAndExitTwo() throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "abc");
        Path basic = Files.writeString(tmp.resolve("basic"), "nocolon");
        String[][] cases = {
                {"--only", "scrape-targets", "unknown check 'scrape-targets'"},
                {"--skip", "nope", "known checks: vip-reachable"},
                {"--prometheus-url", "htp:/x", "--prometheus-url 'htp:/x' is not an http(s) URL"},
                {"--loki-url", "http://user:pw@127.0.0.1:3100", "do not put credentials in the URL"},
                {"--since", "yesterday", "--since 'yesterday' is not a duration"},
                {"--since", "30d", "longer than 7d"},
                {"--protocol", "http/json", "--protocol 'http/json' is not supported"},
                {"--prometheus-token-file", tmp.resolve("absent").toString(), "--prometheus-token-file"},
                {"--prometheus-basic-auth-file", basic.toString(), "expected 'user:password'"},
                {"--otlp-endpoint", "not a url", "--otlp-endpoint 'not a url'"},
                {"--junit", "/nonexistent-dir/x.xml", "--junit"},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("verify", "--state-dir", tmp.resolve("bad").toString(),
                    "--prometheus-url", "http://127.0.0.1:1", "--prometheus-token-file", token.toString()));
            if (c[0].equals("--prometheus-url") || c[0].startsWith("--prometheus-")) {
                int i = a.indexOf(c[0]);
                if (i >= 0) {
                    a.remove(i + 1);
                    a.remove(i);
                }
            }
            a.add(c[0]);
            a.add(c[1]);
            if (c[0].equals("--prometheus-basic-auth-file")) {
                a.remove("--prometheus-token-file");
                a.remove(token.toString());
            }
            CliRun run = CliRun.of(a.toArray(String[]::new));
            assertEquals(2, run.exitCode(), String.join(" ", a) + "\n" + run.out() + run.err());
            assertTrue(run.err().contains(c[2]), c[2] + " in: " + run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
            assertFalse(Files.exists(tmp.resolve("bad").resolve("ledger.jsonl")), "nothing recorded for bad input");
        }
    }

    @Test
    void apiProxyReachesInClusterServicesByTheirSettingsNames() {
        // kubectl proxy serves /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path> (Kubernetes service proxy)
        String prefix = "/api/v1/namespaces/monitoring/services/prometheus-kube-prometheus-prometheus:9090/proxy";
        try (FakeHttpServer proxy = FakeHttpServer.start()) {
            proxy.on(prefix + "/api/v1/rules", Reply.json("{\"status\":\"success\",\"data\":{\"groups\":["
                    + "{\"name\":\"claude-code-recording\",\"file\":\"f\",\"rules\":[{\"name\":\"claude_code:cost_usd:increment\"},{\"name\":\"claude_code:sessions:increment\"},{\"name\":\"claude_code:tokens:increment\"}]},"
                    + "{\"name\":\"claude-code-spend\",\"file\":\"f\",\"rules\":[{\"name\":\"ClaudeCodeDailySpendHigh\"}]},"
                    + "{\"name\":\"otel-collector\",\"file\":\"f\",\"rules\":[{\"name\":\"OtelCollectorDown\"},"
                    + "{\"name\":\"OtelCollectorAbsent\"}]}]}}"));
            CliRun run = CliRun.of("verify", "--state-dir", tmp.resolve("p").toString(), "--api-proxy", proxy.url(),
                    "--only", "alert-rules,loki-config");
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("PASS          alert-rules"), run.out());
            assertEquals(1, proxy.requests(prefix + "/api/v1/rules").size());
            assertEquals(1, proxy.requests("/api/v1/namespaces/monitoring/services/loki:3100/proxy/config").size(),
                    "Loki through its service proxy path");
            assertTrue(run.out().contains("--api-proxy (kubectl proxy running"), run.out());
        }
    }

    @Test
    void tokensAreSentButNeverWrittenAnywhere() throws Exception {
        String secret = "s3cret-" + System.nanoTime();
        Path token = Files.writeString(tmp.resolve("token"), secret + "\n");
        try (FakeHttpServer prom = FakeHttpServer.start()) {
            prom.on("/api/v1/rules", r -> ("Bearer " + secret).equals(r.header("Authorization"))
                    ? Reply.json("{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"claude-code-recording\",\"file\":\"f\",\"rules\":[{\"name\":\"claude_code:cost_usd:increment\"},{\"name\":\"claude_code:sessions:increment\"},{\"name\":\"claude_code:tokens:increment\"}]},{\"name\":\"claude-code-spend\",\"file\":\"f\","
                    + "\"rules\":[{\"name\":\"ClaudeCodeDailySpendHigh\"}]},{\"name\":\"otel-collector\",\"file\":\"f\",\"rules\":"
                    + "[{\"name\":\"OtelCollectorDown\"},{\"name\":\"OtelCollectorAbsent\"}]}]}}")
                    : Reply.text(401, "Unauthorized"));
            Path state = tmp.resolve("sec");
            CliRun run = CliRun.of("verify", "--state-dir", state.toString(), "--only", "alert-rules", "-o", "json",
                    "--prometheus-url", prom.url(), "--prometheus-token-file", token.toString());
            assertEquals(0, run.exitCode(), run.out() + run.err());
            CliRun wrong = CliRun.of("verify", "--state-dir", state.toString(), "--only", "alert-rules",
                    "--prometheus-url", prom.url());
            assertEquals(1, wrong.exitCode());
            assertTrue(wrong.out().contains("--prometheus-token-file"), wrong.out());
            StringBuilder everything = new StringBuilder(run.out() + run.err() + wrong.out() + wrong.err());
            try (var files = Files.walk(state)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    everything.append(Files.readString(f));
                }
            }
            assertFalse(everything.toString().contains(secret), "the token leaked");
        }
    }
}
