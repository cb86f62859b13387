package dev.migrate.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.endpoints.Auth;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.endpoints.LokiHttp;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.Telemetry2026;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional Loki ruler rules: shipped only with loki-ruler: true, thresholds from the settings, and each
 * rule's query part runs on the Loki double (Loki is AGPL: no real ruler here) over the 2026 events and
 * returns the series the alert compares (bypassPermissions: one per user and machine).
 */
class LokiRulesTest {
    @Test
    void shippedOnlyWhenTurnedOnWithTheSettingsThresholdsAndQueriesThatRunOnLoki() throws Exception {
        assertTrue(BundleRenderer.render(TestBundles.settings()).objects().stream()
                .noneMatch(o -> o.name().equals("claude-code-loki-rules")), "off by default");
        Settings on = TestBundles.settings().with(Map.of("loki-ruler", "true", "loki-error-ratio-alert", "0.2"));
        JsonNode cm = Json.MAPPER.valueToTree(BundleRenderer.render(on).objects().stream()
                .filter(o -> o.name().equals("claude-code-loki-rules")).findFirst().orElseThrow().body());
        assertEquals("1", cm.at("/metadata/labels/loki_rule").asText());
        JsonNode rules = Json.YAML.readTree(cm.at("/data/claude-code-loki-rules.yaml").asText()).at("/groups/0/rules");
        List<String> names = new ArrayList<>();
        rules.forEach(r -> names.add(r.get("alert").asText()));
        assertEquals(List.of("ClaudeCodeApiErrorRatioHigh", "ClaudeCodeApiRetriesExhausted", "ClaudeCodeBypassPermissions"), names);

        try (LokiDouble loki = new LokiDouble()) {
            Instant now = Instant.now();
            Telemetry2026.events(loki, now.minusSeconds(60));
            LokiHttp api = new LokiHttp(HttpEndpoint.of("Loki", "--loki-url", loki.url(), Auth.none(),
                    LokiHttp.tenantHeaders(null), Duration.ofSeconds(3)));
            for (JsonNode r : rules) {
                String expr = r.get("expr").asText().strip();
                int cut = expr.lastIndexOf('>');
                String threshold = expr.substring(cut + 1).strip();
                List<PrometheusApi.Series> series = api.metricRange(expr.substring(0, cut), now.minusSeconds(300), now,
                        Duration.ofSeconds(300));
                assertFalse(series.isEmpty(), r.get("alert") + ": its query reads nothing: " + expr);
                switch (r.get("alert").asText()) {
                    case "ClaudeCodeApiErrorRatioHigh" -> {
                        assertEquals("0.2", threshold);
                        // 2 requests that failed after their retries / (4 requests that succeeded + those 2)
                        assertEquals(2.0 / 6, series.get(0).points().get(0).value(), 1e-9);
                    }
                    case "ClaudeCodeApiRetriesExhausted" -> assertEquals(on.raw(dev.migrate.settings.SettingKeys.LOKI_RETRIES_EXHAUSTED_ALERT), threshold);
                    default -> {
                        assertEquals("0", threshold);
                        assertEquals(2, series.size(), "one series per user and machine: " + series);
                        assertEquals(java.util.Set.of("alice@example.com laptop", "bob@example.com studio"), series.stream()
                                .map(x -> x.labels().get("user") + " " + x.labels().get("machine_name"))
                                .collect(java.util.stream.Collectors.toSet()), series.toString());
                    }
                }
            }
        }
    }
}
