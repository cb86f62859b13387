package dev.migrate.pipeline;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.RealChain;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Who and where, through the real collector into the real Prometheus 3 and the Loki double: two API-key
 * users (user.id only, as Claude Code sends with an API key, Bedrock or Vertex), a claude.ai user (user.email
 * too) and a client started without machine.name. The per-user panels show three users, the API-key ones by
 * their user.id, and the unnamed machine as no-machine-name, on points and on events alike.
 * (The real client's own runs are in the real-client tests; this fixes the collector's part on the smallest chain.)
 */
class IdentityPanelsTest {
    static final String ALICE = "alice@example.com";
    static RealChain chain;

    @BeforeAll
    static void start() throws InterruptedException {
        chain = RealChain.start();
        try (ClaudeCodeClient laptop = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", "laptop");
             ClaudeCodeClient desk = new ClaudeCodeClient(chain.collector.httpEndpoint(), "http/protobuf", "claude-code", "desk");
             ClaudeCodeClient studio = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", "studio",
                     Map.of("user.email", ALICE, "organization.id", "org-1"), AggregationTemporality.DELTA);
             ClaudeCodeClient unnamed = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", null)) {
            laptop.sessionStarted("k1").cost("k1", 4, SampleSessions.MODEL).event("k1", "api_request", Map.of("model", SampleSessions.MODEL)).export();
            desk.sessionStarted("k2").cost("k2", 3, SampleSessions.MODEL).event("k2", "api_request", Map.of("model", SampleSessions.MODEL)).export();
            studio.sessionStarted("a1").cost("a1", 2, SampleSessions.MODEL).event("a1", "permission_mode_changed",
                    Map.of("from_mode", "default", "to_mode", "bypassPermissions")).export();
            unnamed.sessionStarted("u1").cost("u1", 1, SampleSessions.MODEL).event("u1", "api_request", Map.of("model", SampleSessions.MODEL)).export();
        }
        chain.prometheus.awaitQuery("count(claude_code_cost_usage_USD_total) >= 4", Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (chain.loki.lines().size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        chain.awaitRecorded();
    }

    @AfterAll
    static void stop() {
        chain.close();
    }

    static Map<String, Double> by(String title, String label) {
        return RealPipelineTest.byLabel(chain.prometheus.query(DashboardNumbersTest.panel(title, 0)), label);
    }

    @Test
    void apiKeyUsersAreDistinctUsersByTheirUserId() {
        String laptop = ClaudeCodeClient.userId("laptop");
        String desk = ClaudeCodeClient.userId("desk");
        String none = ClaudeCodeClient.userId(null);
        assertEquals(4.0, chain.prometheus.value(DashboardNumbersTest.panel("Active users", 0)));
        assertEquals(Map.of(laptop, 4.0, desk, 3.0, ALICE, 2.0, none, 1.0), by("Cost by user", "user"));
        assertEquals(Map.of(laptop, 4.0, desk, 3.0, ALICE, 2.0, none, 1.0), by("Cost per interval by user", "user"));
        // the $user variable (label_values(claude_code_cost_usage_USD_total, user)) offers the same four
        String values = chain.prometheus.get("/api/v1/label/user/values?match%5B%5D=claude_code_cost_usage_USD_total");
        Set<String> offered = new TreeSet<>();
        RealPipelineTest.tree(values).path("data").forEach(v -> offered.add(v.asText()));
        assertEquals(new TreeSet<>(Set.of(laptop, desk, ALICE, none)), offered);
    }

    @Test
    void aClientWithoutMachineNameIsItsOwnVisibleRow() {
        assertEquals(Map.of("laptop", 1.0, "desk", 1.0, "studio", 1.0, "no-machine-name", 1.0),
                by("Sessions by machine", "machine_name"));
        assertEquals(Map.of("laptop", 4.0, "desk", 3.0, "studio", 2.0, "no-machine-name", 1.0),
                by("Cost by machine", "machine_name"));
    }

    @Test
    void eventsCarryTheSameUserAndMachineForTheLokiPanelsAndRules() {
        Map<String, String> userByMachine = new java.util.TreeMap<>();
        for (LokiDouble.Line l : chain.loki.lines()) {
            userByMachine.put(l.metadata().get("machine_name"), l.metadata().get("user"));
        }
        assertEquals(Map.of("laptop", ClaudeCodeClient.userId("laptop"), "desk", ClaudeCodeClient.userId("desk"),
                "studio", ALICE, "no-machine-name", ClaudeCodeClient.userId(null)), userByMachine);
    }
}
