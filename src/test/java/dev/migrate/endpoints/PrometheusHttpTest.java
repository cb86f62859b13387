package dev.migrate.endpoints;

import dev.migrate.UserError;
import dev.migrate.endpoints.EndpointException.Kind;
import dev.migrate.testsupport.ClaudeCodeExposition;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.PrometheusProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PrometheusHttp against a real Prometheus 2.42, and every odd answer against a double. */
class PrometheusHttpTest {
    static final String RULES = """
            groups:
              - name: claude-code.rules
                rules:
                  - alert: ClaudeCodeHighDailySpend
                    expr: sum(increase(claude_code_cost_usage_USD_total[1d])) > 10
                    labels: {severity: warning}
            """;
    static FakeHttpServer collector;
    static PrometheusProcess prom;

    @BeforeAll
    static void start() {
        collector = FakeHttpServer.start().on("/metrics", Reply.text(200,
                ClaudeCodeExposition.text("claude-code", ClaudeCodeExposition.SESSION_METRICS, 2)));
        prom = PrometheusProcess.start(PrometheusProcess.scrapeConfig("otel-collector",
                "127.0.0.1:" + collector.port(), "rules.yml"), Map.of("rules.yml", RULES));
        prom.awaitQuery("claude_code_cost_usage_USD_total", Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        prom.close();
        collector.close();
    }

    static PrometheusHttp client(String url, Duration timeout) {
        return new PrometheusHttp(HttpEndpoint.of("Prometheus", "--prometheus-url", url, Auth.none(), Map.of(), timeout));
    }

    @Test
    void readsTheRealApi() {
        PrometheusHttp api = client(prom.url(), Duration.ofSeconds(5));
        Instant now = Instant.now();
        List<String> names = api.labelValues("__name__", "{__name__=~\"claude_code_.+\"}", now.minusSeconds(300), now);
        assertEquals(ClaudeCodeExposition.SESSION_METRICS.stream().sorted().toList(), names);

        List<PrometheusApi.Sample> cost = api.query("claude_code_cost_usage_USD_total", now);
        assertEquals(2, cost.size());
        assertEquals("claude-code", cost.get(0).labels().get("exported_job"));
        assertEquals("otel-collector", cost.get(0).labels().get("job"));

        List<PrometheusApi.Sample> scalar = api.query("scalar(vector(2))", now);
        assertEquals(2.0, scalar.get(0).value());

        List<PrometheusApi.Series> range = api.queryRange("up", now.minusSeconds(10), now, Duration.ofSeconds(1));
        assertTrue(range.get(0).points().size() >= 1);

        PrometheusApi.Target target = api.activeTargets().get(0);
        assertEquals("otel-collector", target.labels().get("job"));
        assertEquals("up", target.health());

        PrometheusApi.RuleGroup group = api.ruleGroups().get(0);
        assertEquals("claude-code.rules", group.name());
        assertEquals(List.of("ClaudeCodeHighDailySpend"), group.rules());
    }

    @Test
    void badPromqlIsABadRequestWithPrometheusOwnMessage() {
        EndpointException e = assertThrows(EndpointException.class,
                () -> client(prom.url(), Duration.ofSeconds(5)).query("sum(", Instant.now()));
        assertEquals(Kind.BAD_REQUEST, e.kind());
        assertTrue(e.getMessage().contains("bad_data"), e.getMessage());
    }

    @Test
    void everyOddAnswerIsTyped() {
        try (FakeHttpServer fake = FakeHttpServer.start()) {
            Map<String, Reply> cases = Map.of(
                    "/unauth/api/v1/rules", Reply.text(401, "Unauthorized"),
                    "/forbidden/api/v1/rules", Reply.text(403, "Forbidden"),
                    "/down/api/v1/rules", Reply.text(503, "Service Unavailable"),
                    "/html/api/v1/rules", Reply.html(200),
                    "/cut/api/v1/rules", Reply.json("{\"status\":\"success\",\"data\":{\"groups\":[]}}").truncated(12),
                    "/broken/api/v1/rules", Reply.json("{\"status\":\"success\",\"data\":{\"gro"),
                    "/error/api/v1/rules", Reply.json("{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query timed out\"}"),
                    "/other/api/v1/rules", Reply.json("{\"hello\":\"world\"}"),
                    "/login/api/v1/rules", Reply.text(302, ""),
                    "/slow/api/v1/rules", Reply.json("{\"status\":\"success\",\"data\":{\"groups\":[]}}").delayed(3000));
            cases.forEach(fake::on);
            Map<String, Kind> expected = Map.of("unauth", Kind.UNAUTHORIZED, "forbidden", Kind.FORBIDDEN,
                    "down", Kind.SERVER_ERROR, "html", Kind.BAD_RESPONSE, "cut", Kind.BAD_RESPONSE,
                    "broken", Kind.BAD_RESPONSE, "error", Kind.API_ERROR, "other", Kind.BAD_RESPONSE, "slow", Kind.TIMEOUT, "login", Kind.BAD_RESPONSE);
            expected.forEach((prefix, kind) -> {
                EndpointException e = assertThrows(EndpointException.class,
                        () -> client(fake.url() + "/" + prefix, Duration.ofMillis(500)).ruleGroups(), prefix);
                assertEquals(kind, e.kind(), prefix + ": " + e.getMessage());
                assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
                assertFalse(JAVA_CLASS.matcher(e.getMessage()).find(), "in words, not a Java class name: " + e.getMessage());
            });
            assertTrue(assertThrows(EndpointException.class, () -> client(fake.url() + "/error", Duration.ofSeconds(1))
                    .ruleGroups()).getMessage().contains("query timed out"));
        }
    }

    /** A Java class name, as Throwable.toString() puts it in front of the message (verify's report must not show one). */
    private static final java.util.regex.Pattern JAVA_CLASS = java.util.regex.Pattern.compile("\\b(java|javax|okhttp3|okio)\\.[\\w.]*[A-Z]\\w*");

    /** A server (or a proxy) that accepts and hangs up without an answer: said in words, without the exception's class. */
    @Test
    void aConnectionClosedWithoutAnAnswerIsSaidInWords() throws Exception {
        try (java.net.ServerSocket hangsUp = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!hangsUp.isClosed()) {
                    try (java.net.Socket s = hangsUp.accept()) {
                        s.getInputStream().read(new byte[4096]);
                    } catch (java.io.IOException closed) {
                        // the test ended, or the client gave up
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            EndpointException e = assertThrows(EndpointException.class,
                    () -> client("http://127.0.0.1:" + hangsUp.getLocalPort(), Duration.ofSeconds(2)).activeTargets());
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("connection failed: "), e.getMessage());
            assertFalse(JAVA_CLASS.matcher(e.getMessage()).find(), "in words, not a Java class name: " + e.getMessage());
        }
    }

    @Test
    void refusedConnectionIsUnreachable() {
        int closed = ManagedProcess.freePort();
        EndpointException e = assertThrows(EndpointException.class,
                () -> client("http://127.0.0.1:" + closed, Duration.ofSeconds(2)).activeTargets());
        assertEquals(Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
    }

    @Test
    void malformedUrlsAndCredentialsInUrlsAreRefused() {
        UserError bad = assertThrows(UserError.class, () -> client("htp:/nowhere", Duration.ofSeconds(1)));
        assertTrue(bad.getMessage().startsWith("--prometheus-url 'htp:/nowhere'"), bad.getMessage());
        UserError creds = assertThrows(UserError.class, () -> client("http://admin:secret@127.0.0.1:9", Duration.ofSeconds(1)));
        assertTrue(!creds.getMessage().contains("secret"), creds.getMessage());
    }

    @Test
    void sendsTheBearerTokenAndNeverShowsIt() {
        try (FakeHttpServer fake = FakeHttpServer.start()) {
            fake.on("/api/v1/rules", r -> "Bearer s3cret".equals(r.header("Authorization"))
                    ? Reply.json("{\"status\":\"success\",\"data\":{\"groups\":[]}}") : Reply.text(401, "Unauthorized"));
            PrometheusHttp ok = new PrometheusHttp(HttpEndpoint.of("Prometheus", "--prometheus-url", fake.url(),
                    Auth.bearer("s3cret"), Map.of(), Duration.ofSeconds(2)));
            assertEquals(List.of(), ok.ruleGroups());
            EndpointException e = assertThrows(EndpointException.class,
                    () -> new PrometheusHttp(HttpEndpoint.of("Prometheus", "--prometheus-url", fake.url(),
                            Auth.bearer("wrong"), Map.of(), Duration.ofSeconds(2))).ruleGroups());
            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertTrue(!e.getMessage().contains("wrong") && !Auth.bearer("s3cret").toString().contains("s3cret"));
        }
    }
}
