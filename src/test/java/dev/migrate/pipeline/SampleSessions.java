package dev.migrate.pipeline;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.RealChain;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two sessions sent in three export intervals, as Claude Code sends them (delta temporality: each
 * interval carries only what changed):
 * <ul>
 * <li>CLI session {@code a} on machine laptop (gRPC): session.count once; cost $4 then $5 (a stream
 *   whose points chain); tokens that grow (input 1000, then 500 more; output 200; cacheRead 300 in
 *   the third interval); active time; lines; a commit and a pull request (one-shot); an edit decision
 *   without unit; every event below.</li>
 * <li>Desktop session {@code b} on machine desk (http/protobuf): session.count once; cost $1, nothing
 *   in the second interval, $2 in the third (a stream that skips an interval: its third point does
 *   not chain onto the first); input tokens 500; an edit decision with the old unit "count"; one api_request.</li>
 * </ul>
 * Totals: 2 sessions, $12 ($9 + $3), 2500 tokens (input 2000, output 200, cacheRead 300), 16 series.
 */
final class SampleSessions {
    static final int SERIES = 16;
    static final String MODEL = "claude-sonnet-4-5";

    /** The events of session a: the five classic ones and four of 2026's. */
    static final Map<String, Map<String, String>> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put("user_prompt", Map.of("prompt_length", "42"));
        EVENTS.put("api_request", Map.of("model", MODEL, "cost_usd", "4.0", "duration_ms", "1200", "input_tokens", "1000",
                "output_tokens", "200", "cache_read_tokens", "0", "cache_creation_tokens", "0"));
        EVENTS.put("api_error", Map.of("model", MODEL, "error", "overloaded", "status_code", "529", "attempt", "1"));
        EVENTS.put("tool_decision", Map.of("tool_name", "Edit", "decision", "accept", "source", "config"));
        EVENTS.put("tool_result", Map.of("tool_name", "Edit", "success", "true", "duration_ms", "30"));
        EVENTS.put("compaction", Map.of("trigger", "auto", "pre_tokens", "120000", "post_tokens", "20000", "success", "true"));
        EVENTS.put("skill_activated", Map.of("skill.name", "review", "invocation_trigger", "user", "skill.source", "plugin"));
        EVENTS.put("mcp_server_connection", Map.of("status", "connected", "transport_type", "stdio", "mcp_server.name", "github"));
        EVENTS.put("api_retries_exhausted", Map.of("total_attempts", "10", "status_code", "529"));
    }

    private SampleSessions() {
    }

    /** A fresh real chain with these sessions sent and scraped (every series in Prometheus, both targets up). */
    static RealChain chain() {
        RealChain chain = RealChain.start();
        try (ClaudeCodeClient cli = chain.client("grpc", "claude-code", "laptop");
             ClaudeCodeClient desktop = chain.client("http/protobuf", "claude-code-desktop", "desk")) {
            send(cli, desktop);
        }
        chain.prometheus.awaitValue("count({__name__=~\"claude_code_.+\"})", SERIES, Duration.ofSeconds(30));
        // the last interval's values scraped (b's $2 after the skipped interval, a's cacheRead tokens)
        chain.prometheus.awaitValue("sum(claude_code_cost_usage_USD_total)", 12, Duration.ofSeconds(30));
        chain.prometheus.awaitValue("count(up{job=\"otel-collector\"} == 1)", 2, Duration.ofSeconds(30));
        chain.awaitRecorded();
        return chain;
    }

    static void send(ClaudeCodeClient cli, ClaudeCodeClient desktop) {
        // interval 1
        cli.sessionStarted("a").cost("a", 4, MODEL).tokens("a", "input", 1000, MODEL).tokens("a", "output", 200, MODEL)
                .activeTime("a", "user", 60).linesOfCode("a", "added", 12).commit("a")
                .editDecision("a", "Edit", "accept", "Java", false);
        EVENTS.forEach((name, attributes) -> cli.event("a", name, attributes));
        desktop.sessionStarted("b").cost("b", 1, MODEL).tokens("b", "input", 500, MODEL)
                .editDecision("b", "Write", "reject", "Go", true).event("b", "api_request", EVENTS.get("api_request"));
        cli.export();
        desktop.export();
        // interval 2: b sends nothing
        cli.cost("a", 5, MODEL).tokens("a", "input", 500, MODEL).activeTime("a", "cli", 30).linesOfCode("a", "removed", 3)
                .pullRequest("a");
        cli.export();
        desktop.export();
        // interval 3
        cli.tokens("a", "cacheRead", 300, MODEL);
        desktop.cost("b", 2, MODEL);
        cli.export();
        desktop.export();
    }
}
