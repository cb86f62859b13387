package dev.migrate.pipeline;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.OtlpPushChain;
import dev.migrate.testsupport.RealChain;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The alternative docs/scaling.md weighs for running more than one collector: stateless collectors
 * pushing OTLP into Prometheus 3's own receiver, which converts the deltas itself, against the
 * bundle's scrape. Both on the real collector and the real Prometheus 3.10, with the same client
 * sequence: a one-shot counter (session.count), a stream whose points chain, and one that skips an
 * export interval, as every stream of the real client does (its points never chain: a point starts at
 * the first measurement of its interval). What a user would see is the total in Prometheus.
 */
class PrometheusOtlpReceiverTest {
    private static final String COST = "claude_code_cost_usage_USD_total";

    /** The CollectorBehaviourTest sequence: chained $2+3+1+4, skipping $2 then (two intervals later) $4, one session started. */
    static void send(ClaudeCodeClient cli) {
        cli.sessionStarted("one-shot").cost("chained", 2, SampleSessions.MODEL).cost("skipping", 2, SampleSessions.MODEL).export();
        cli.cost("chained", 3, SampleSessions.MODEL).export();
        cli.cost("chained", 1, SampleSessions.MODEL).export(); // "skipping" sends nothing in this interval
        cli.cost("chained", 4, SampleSessions.MODEL).cost("skipping", 4, SampleSessions.MODEL).export();
    }

    static Map<String, Double> totals(java.util.function.BiFunction<String, Double, Double> await) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("sessions", await.apply("sum(claude_code_session_count_total{session_id=\"one-shot\"})", 1.0));
        out.put("chained", await.apply("sum(" + COST + "{session_id=\"chained\"})", 10.0));
        out.put("skipping", await.apply("sum(" + COST + "{session_id=\"skipping\"})", 6.0));
        return out;
    }

    @Test
    void prometheusOwnDeltaConversionGivesTheScrapesTotalsOnNonChainingDeltas() throws Exception {
        Map<String, Double> scraped;
        try (RealChain chain = RealChain.start();
             ClaudeCodeClient cli = chain.client("http/protobuf", "claude-code", "laptop")) {
            send(cli);
            scraped = totals((q, expected) -> {
                try {
                    chain.prometheus.awaitValue(q, expected, Duration.ofSeconds(30));
                } catch (AssertionError e) {
                    // fall through: the map shows what it read
                }
                return chain.prometheus.value(q);
            });
        }
        Map<String, Double> pushed;
        try (OtlpPushChain chain = new OtlpPushChain(OtlpPushChain.DELTA_TO_CUMULATIVE);
             ClaudeCodeClient cli = new ClaudeCodeClient(chain.collector.httpEndpoint(), "http/protobuf", "claude-code", "laptop")) {
            send(cli);
            pushed = totals((q, expected) -> {
                try {
                    chain.prometheus.awaitValue(q, expected, Duration.ofSeconds(30));
                } catch (AssertionError e) {
                    // fall through
                }
                return chain.prometheus.value(q);
            });
        }
        Map<String, Double> expected = Map.of("sessions", 1.0, "chained", 10.0, "skipping", 6.0);
        assertEquals(new LinkedHashMap<>(Map.of("sessions", 1.0, "chained", 10.0, "skipping", 6.0)).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(),
                scraped.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(), "the bundle's scrape");
        assertEquals(expected.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(),
                pushed.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList(), "Prometheus' OTLP receiver with otlp-deltatocumulative");
    }
}
