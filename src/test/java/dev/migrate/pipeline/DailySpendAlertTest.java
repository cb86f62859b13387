package dev.migrate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.RealChain;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PrometheusRule's daily-spend alert, as rendered with daily-spend-alert-usd=10, in the real
 * Prometheus 3 with the real Alertmanager behind it, on spend sent through the real collector:
 * silent at $9, firing and delivered once a second session brings the day to $12. The rule's
 * {@code for: 5m} is shortened to 0s here (the only change; its expression is the bundle's), so the
 * test does not wait five minutes for the pending period Prometheus itself implements.
 */
class DailySpendAlertTest {
    static final String ALERT = "ClaudeCodeDailySpendHigh";

    @Test
    void silentBelowTheThresholdThenFiresAndReachesAlertmanager() {
        String rules = Rendered.prometheusRules(Rendered.bundle(Map.of("daily-spend-alert-usd", "10")), "0s");
        try (RealChain chain = RealChain.withAlerts(rules);
             ClaudeCodeClient cli = chain.client("grpc", "claude-code", "laptop")) {
            assertTrue(chain.prometheus.get("/api/v1/rules").contains(ALERT), chain.prometheus.get("/api/v1/rules"));
            cli.sessionStarted("a").cost("a", 4, SampleSessions.MODEL).export();
            cli.cost("a", 5, SampleSessions.MODEL).export();
            chain.prometheus.awaitValue("sum(claude_code_cost_usage_USD_total)", 9, Duration.ofSeconds(20));
            // several evaluations (every second) at $9: nothing pending, nothing firing, nothing sent
            chain.prometheus.awaitQuery("count_over_time(claude_code_cost_usage_USD_total[5s]) >= 5", Duration.ofSeconds(20));
            assertTrue(chain.prometheus.query("ALERTS{alertname=\"" + ALERT + "\"}").isEmpty());
            assertEquals(0, delivered(chain).size(), delivered(chain).toString());

            cli.sessionStarted("b").cost("b", 3, SampleSessions.MODEL).export();
            chain.prometheus.awaitQuery("ALERTS{alertname=\"" + ALERT + "\",alertstate=\"firing\"}", Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (delivered(chain).isEmpty() && System.nanoTime() < deadline) {
                sleep();
            }
            JsonNode alerts = delivered(chain);
            assertEquals(1, alerts.size(), alerts.toString());
            JsonNode a = alerts.get(0);
            assertEquals("warning", a.at("/labels/severity").asText(), a.toString());
            assertEquals("active", a.at("/status/state").asText(), a.toString());
            assertTrue(a.at("/annotations/description").asText().contains("$12.00"), a.toString());
            assertTrue(a.at("/annotations/summary").asText().contains("$10"), a.toString());
        }
    }

    private static JsonNode delivered(RealChain chain) {
        JsonNode all = RealPipelineTest.tree(chain.alertmanager.get("/api/v2/alerts?filter=alertname%3D%22" + ALERT + "%22"));
        return all;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
