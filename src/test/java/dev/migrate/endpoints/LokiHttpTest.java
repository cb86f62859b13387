package dev.migrate.endpoints;

import dev.migrate.endpoints.EndpointException.Kind;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.LokiDouble;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LokiHttp against {@link LokiDouble} (Loki 3.x API shapes) and fault answers. */
class LokiHttpTest {
    static LokiHttp client(String url, String tenant, Map<String, String> extraHeaders) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(LokiHttp.tenantHeaders(tenant));
        headers.putAll(extraHeaders);
        return new LokiHttp(HttpEndpoint.of("Loki", "--loki-url", url, Auth.none(), headers, Duration.ofSeconds(2)));
    }

    @Test
    void readsStreamsWithStructuredMetadataBothEncodings() {
        try (LokiDouble loki = new LokiDouble()) {
            Instant now = Instant.now();
            loki.addEvent("claude-code", "api_request", now.minusSeconds(30));
            loki.addEvent("claude-code", "tool_result", now.minusSeconds(20));
            loki.addEvent("claude-code-desktop", "api_request", now.minusSeconds(10));

            LokiHttp api = client(loki.url(), null, Map.of());
            List<LokiApi.Stream> streams = api.queryRange("{service_name=\"claude-code\"} | event_name=\"api_request\"",
                    now.minusSeconds(60), now, 100);
            assertEquals(1, streams.size());
            assertEquals(Map.of("service_name", "claude-code"), streams.get(0).labels());
            LokiApi.Entry entry = streams.get(0).entries().get(0);
            assertEquals("api_request", entry.metadata().get("event_name"));
            assertEquals("claude_code.api_request", entry.line());
            assertEquals(now.minusSeconds(30), entry.at());

            // a proxy that drops the encoding flag: metadata arrives merged into the stream labels
            LokiHttp plain = new LokiHttp(HttpEndpoint.of("Loki", "--loki-url", loki.url(), Auth.none(), Map.of(),
                    Duration.ofSeconds(2)));
            assertEquals("tool_result", plain.queryRange("{service_name=\"claude-code\"} | event_name=\"tool_result\"",
                    now.minusSeconds(60), now, 100).get(0).entries().get(0).metadata().get("event_name"));

            List<PrometheusApi.Series> counts = api.metricRange(
                    "sum by (service_name) (count_over_time({service_name=~\".+\"} [5m]))", now.minusSeconds(60), now,
                    Duration.ofMinutes(1));
            assertEquals(2, counts.size());
            assertEquals("claude-code", counts.get(0).labels().get("service_name"));
            assertEquals(2.0, counts.get(0).points().get(0).value());

            assertTrue(api.runningConfig().contains("allow_structured_metadata: true"));
        }
    }

    @Test
    void sendsTheTenantAndTypesLokiErrors() {
        try (LokiDouble loki = new LokiDouble().requireTenant("homelab")) {
            Instant now = Instant.now();
            assertEquals(Kind.UNAUTHORIZED, assertThrows(EndpointException.class, () -> client(loki.url(), null, Map.of())
                    .queryRange("{service_name=\"claude-code\"}", now.minusSeconds(60), now, 10)).kind());
            assertEquals(List.of(), client(loki.url(), "homelab", Map.of())
                    .queryRange("{service_name=\"claude-code\"}", now.minusSeconds(60), now, 10));
            EndpointException parse = assertThrows(EndpointException.class, () -> client(loki.url(), "homelab", Map.of())
                    .queryRange("service_name=claude-code", now.minusSeconds(60), now, 10));
            assertEquals(Kind.BAD_REQUEST, parse.kind());
            assertTrue(parse.getMessage().contains("parse error"), parse.getMessage());
        }
    }

    @Test
    void oddAnswersAreTyped() {
        try (FakeHttpServer fake = FakeHttpServer.start()) {
            fake.on("/a/loki/api/v1/query_range", Reply.json("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"))
                    .on("/b/loki/api/v1/query_range", Reply.html(200))
                    .on("/c/config", Reply.html(200))
                    .on("/d/loki/api/v1/query_range", Reply.text(500, "too many outstanding requests"));
            Instant now = Instant.now();
            assertEquals(Kind.BAD_RESPONSE, assertThrows(EndpointException.class, () -> client(fake.url() + "/a", null, Map.of())
                    .queryRange("{a=\"b\"}", now.minusSeconds(5), now, 1)).kind());
            assertEquals(Kind.BAD_RESPONSE, assertThrows(EndpointException.class, () -> client(fake.url() + "/b", null, Map.of())
                    .queryRange("{a=\"b\"}", now.minusSeconds(5), now, 1)).kind());
            assertEquals(Kind.BAD_RESPONSE, assertThrows(EndpointException.class, () -> client(fake.url() + "/c", null, Map.of())
                    .runningConfig()).kind());
            EndpointException e = assertThrows(EndpointException.class, () -> client(fake.url() + "/d", null, Map.of())
                    .queryRange("{a=\"b\"}", now.minusSeconds(5), now, 1));
            assertEquals(Kind.SERVER_ERROR, e.kind());
            assertTrue(e.getMessage().contains("too many outstanding requests"));
        }
    }
}
