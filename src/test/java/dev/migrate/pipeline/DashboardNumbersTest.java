package dev.migrate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.testsupport.RealChain;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rendered dashboard's panel queries, run by the real Prometheus 3 (left-open range selectors)
 * on what the real collector made of {@link SampleSessions}: two sessions read 2, a $9 and a $3
 * session read $12, and so on. Grafana's variables are set as a 1h dashboard range would set them.
 * One test per panel family, so panels added later get their own test rather than an edit here.
 */
class DashboardNumbersTest {
    static RealChain chain;
    /** The rendered dashboard (other panel-family tests read their panels from it too). */
    static final JsonNode dashboard = RealPipelineTest.tree(Rendered.bundle().dashboardJson());

    @BeforeAll
    static void start() {
        chain = SampleSessions.chain();
    }

    @AfterAll
    static void stop() {
        chain.close();
    }

    /**
     * The panel's query {@code refId} (first target when null), with Grafana's variables for a 1h range and the
     * four filter variables on All (their allValue, .*), as on first load.
     */
    static String panel(String title, int target) {
        JsonNode found = find(dashboard.path("panels"), title);
        if (found == null) {
            throw new AssertionError("the rendered dashboard has no panel '" + title + "'");
        }
        return found.path("targets").get(target).path("expr").asText()
                .replace("$__range", "1h").replace("$__interval", "1h").replace("$__rate_interval", "1m")
                .replaceAll("\\$(user|model|machine|terminal)\\b", ".*");
    }

    private static JsonNode find(JsonNode panels, String title) {
        for (JsonNode p : panels) {
            if (p.path("title").asText().equals(title)) {
                return p;
            }
            JsonNode nested = find(p.path("panels"), title);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    static double value(String title) {
        Double v = chain.prometheus.value(panel(title, 0));
        if (v == null) {
            throw new AssertionError("panel '" + title + "' reads no data: " + panel(title, 0));
        }
        return v;
    }

    static Map<String, Double> by(String title, String label) {
        return RealPipelineTest.byLabel(chain.prometheus.query(panel(title, 0)), label);
    }

    @Test
    void oneShotCountersReadTheirCountNotZero() {
        assertEquals(2, value("Sessions"));
        assertEquals(1, value("Commits"));
        assertEquals(1, value("Pull requests"));
        assertEquals(Map.of("desk", 1.0, "laptop", 1.0), by("Sessions by machine", "machine_name"));
        assertEquals(2, value("Sessions started"));
    }

    @Test
    void costAddsAChainedStreamAndOneThatSkippedAnInterval() {
        // a: $4 + $5 in consecutive intervals; b: $1, nothing, $2 (deltatocumulative makes it $3)
        assertEquals(12, value("Total cost"), 1e-9);
        assertEquals(12, value("Daily cost"), 1e-9);
        assertEquals(12, value("Spend vs daily alert"), 1e-9);
        assertEquals(Map.of("desk", 3.0, "laptop", 9.0), by("Cost by machine", "machine_name"));
        assertEquals(Map.of(SampleSessions.MODEL, 12.0), by("Cost by model", "model"));
        assertEquals(6, value("Average cost per session"), 1e-9);
    }

    @Test
    void tokensThatGrowAcrossIntervals() {
        assertEquals(2500, value("Total tokens"));
        assertEquals(Map.of("input", 2000.0, "output", 200.0, "cacheRead", 300.0), by("Tokens by type", "type"));
        assertEquals(300.0 / 2300.0, value("Cache hit ratio"), 1e-9);
        assertEquals(12 / 0.2, value("Cost per 1k output tokens"), 1e-9);
        assertEquals(100, value("Output tokens per session"), 1e-9);
    }

    @Test
    void activeTimeAndLines() {
        assertEquals(90, value("Active time"));
        assertEquals(Map.of("cli", 30.0, "user", 60.0), by("Active time: user vs CLI", "type"));
        assertEquals(Map.of("added", 12.0, "removed", 3.0), by("Lines of code", "type"));
    }

    /** A client still sending unit "count" is counted under its other name too. */
    @Test
    void editDecisionsCountBothTheCurrentAndTheOldName() {
        assertEquals(Map.of("Edit", 1.0, "Write", 1.0), by("Edit decisions by tool", "tool_name"));
        assertEquals(Map.of("Go", 1.0, "Java", 1.0), by("Edits by language", "language"));
    }
}
