package dev.migrate.testsupport;

import io.opentelemetry.sdk.metrics.data.AggregationTemporality;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The telemetry Claude Code added in 2026 (Claude Code docs "Monitoring"), sent
 * through the real collector by {@link ClaudeCodeClient}: metric points with the new attributes
 * (query_source, effort, speed, agent.name, skill.name, plugin.name, mcp_server.name, mcp_tool.name on cost
 * and tokens; start_type on session.count, agents_view included; model on lines_of_code), from the CLI
 * (alice, claude-code, over gRPC) and from the Desktop app (bob, claude-code-desktop, over http/protobuf),
 * and every 2026 event. The label names Prometheus shows are the collector's (dots become underscores).
 * <p>
 * Clock-driven so that any window sees growth: a background sender exports every {@link #TICK}; a new
 * session starts every {@link #SESSION_EVERY} (its one-shot counters born inside the window, as real ones
 * are) and its cost and tokens grow while it lives ({@link #LIVES} sessions at a time).
 * <p>
 * One session_id is shared by two processes whose cost counters interleave (anthropics/claude-code #56317),
 * made for real: two clients with cumulative temporality send the same series (same resource, same
 * attributes) with their own running totals, one per tick in turn, so the exporter's one series flips
 * between them and Prometheus counts resets on it (BuiltInDashboardTest waits for resets(...) > 0).
 */
public final class Telemetry2026 implements AutoCloseable {
    public static final Duration SESSION_EVERY = Duration.ofSeconds(5);
    public static final Duration TICK = Duration.ofSeconds(1);
    static final int LIVES = 4;

    record User(String email, String service, String machine, String terminal) {
        Map<String, String> point() {
            return Map.of("user.email", email, "terminal.type", terminal);
        }
    }

    static final List<User> USERS = List.of(
            new User("alice@example.com", "claude-code", "laptop", "vscode"),
            new User("bob@example.com", "claude-code-desktop", "studio", "claude-desktop"));
    static final String[] QUERY_SOURCE = {"main", "subagent", "auxiliary"};
    static final String[] START_TYPE = {"fresh", "resume", "continue"};
    static final String[] EFFORT = {"low", "medium", "high"};

    /** The 2026 events (and the older ones with their new attributes), each user sends them all once. */
    static final List<Map<String, String>> EVENTS = List.of(
                    Map.of("event_name", "api_request", "model", "claude-opus-4-5", "duration_ms", "1840", "cost_usd", "0.02",
                            "request_id", "req_01", "speed", "fast", "input_tokens", "1200", "output_tokens", "300"),
                    Map.of("event_name", "api_request", "model", "claude-opus-4-5", "duration_ms", "950", "cost_usd", "0.01",
                            "request_id", "req_02", "speed", "standard", "input_tokens", "800", "output_tokens", "120"),
                    Map.of("event_name", "api_error", "model", "claude-opus-4-5", "status_code", "529", "error", "overloaded", "attempt", "1"),
                    Map.of("event_name", "tool_result", "tool_name", "Bash", "success", "true", "duration_ms", "420"),
                    Map.of("event_name", "tool_result", "tool_name", "Edit", "success", "false", "duration_ms", "35"),
                    Map.of("event_name", "tool_decision", "tool_name", "Bash", "decision", "reject", "source", "user_reject",
                            "tool_source", "builtin"),
                    Map.of("event_name", "tool_decision", "tool_name", "mcp__github__create_issue", "decision", "reject",
                            "source", "config", "tool_source", "mcp"),
                    Map.of("event_name", "user_prompt", "prompt_length", "120"),
                    Map.of("event_name", "skill_activated", "skill_name", "pdf", "invocation_trigger", "model", "skill_source", "plugin"),
                    Map.of("event_name", "permission_mode_changed", "from_mode", "default", "to_mode", "bypassPermissions",
                            "trigger", "shift_tab"),
                    Map.of("event_name", "permission_mode_changed", "from_mode", "bypassPermissions", "to_mode", "default",
                            "trigger", "shift_tab"),
                    Map.of("event_name", "mcp_server_connection", "status", "connected", "transport_type", "stdio"),
                    Map.of("event_name", "mcp_server_connection", "status", "failed", "transport_type", "http", "error_code", "ECONNREFUSED"),
                    Map.of("event_name", "hook_execution_complete", "num_blocking", "1", "total_duration_ms", "230"),
                    Map.of("event_name", "compaction", "trigger", "auto", "pre_tokens", "182000", "post_tokens", "41000", "success", "true"),
                    Map.of("event_name", "api_retries_exhausted", "total_attempts", "10", "status_code", "529"),
                    Map.of("event_name", "api_refusal", "category", "cyber", "server_fallback_hop", "0"),
                    Map.of("event_name", "subagent_completed", "agent_type", "Explore", "duration_ms", "48000", "total_tool_uses", "17"),
                    Map.of("event_name", "assistant_response", "model", "claude-opus-4-5"),
                    Map.of("event_name", "internal_error", "error", "unexpected state"),
                    Map.of("event_name", "plugin_loaded", "plugin_name", "team-tools"),
                    Map.of("event_name", "hook_registered", "hook_event", "PreToolUse"),
                    Map.of("event_name", "auth", "method", "oauth", "success", "true"));

    private final Instant epoch = Instant.now();
    private final List<ClaudeCodeClient> apps;
    /** The two processes on session_id "collide", each with its running total. */
    private final ClaudeCodeClient[] colliding;
    private final boolean[] collidingStarted = new boolean[2];
    private final ScheduledExecutorService sender;
    private long ticks;
    private long sessionsStarted = -1;

    private Telemetry2026(CollectorProcess collector) {
        apps = List.of(
                new ClaudeCodeClient(collector.grpcEndpoint(), "grpc", USERS.get(0).service(), USERS.get(0).machine(),
                        USERS.get(0).point(), AggregationTemporality.DELTA),
                new ClaudeCodeClient(collector.httpEndpoint(), "http/protobuf", USERS.get(1).service(), USERS.get(1).machine(),
                        USERS.get(1).point(), AggregationTemporality.DELTA));
        colliding = new ClaudeCodeClient[2];
        for (int p = 0; p < 2; p++) {
            colliding[p] = new ClaudeCodeClient(collector.grpcEndpoint(), "grpc", USERS.get(0).service(), USERS.get(0).machine(),
                    USERS.get(0).point(), AggregationTemporality.CUMULATIVE);
        }
        sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemetry-2026");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends the first interval and every event (failing if the collector refuses them), then keeps sending one
     * interval per {@link #TICK} in the background until {@link #close()}. The collector may be restarted on the
     * same ports meanwhile; an interval it cannot take (down) is lost, as Claude Code's would be.
     */
    public static Telemetry2026 start(CollectorProcess collector) {
        Telemetry2026 t = new Telemetry2026(collector);
        for (int u = 0; u < USERS.size(); u++) {
            User user = USERS.get(u);
            for (Map<String, String> attributes : EVENTS) {
                Map<String, String> a = new LinkedHashMap<>(attributes);
                String name = a.remove("event_name");
                a.putAll(Map.of("user.email", user.email(), "terminal.type", user.terminal(), "prompt.id", "p-1",
                        "event.sequence", "1"));
                t.apps.get(u).event("n-" + user.machine(), name, a);
            }
        }
        String failure = t.tick();
        if (failure != null) {
            t.close();
            throw new AssertionError(failure);
        }
        t.sender.scheduleAtFixedRate(t::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return t;
    }

    /** The number of events {@link #start} sends (all users). */
    public static int eventCount() {
        return EVENTS.size() * USERS.size();
    }

    /** One export interval: the sessions started since the last, growth of the live ones, one colliding process. */
    private synchronized String tick() {
        long current = Duration.between(epoch, Instant.now()).toMillis() / SESSION_EVERY.toMillis();
        StringBuilder failed = new StringBuilder();
        for (int u = 0; u < USERS.size(); u++) {
            ClaudeCodeClient app = apps.get(u);
            for (long k = Math.max(0, current - LIVES + 1); k <= current; k++) {
                String session = String.format(Locale.ROOT, "n%d-%06d", u, k);
                int i = (int) (k % 3);
                if (k > sessionsStarted) { // one-shot counters, once per session
                    app.sessionStarted(session, START_TYPE[i]).sessionStarted(session + "-ui", "agents_view")
                            .commit(session).pullRequest(session);
                }
                Map<String, String> attrs = Map.of("model", "claude-opus-4-5", "query_source", QUERY_SOURCE[i],
                        "effort", EFFORT[i], "speed", i == 0 ? "fast" : "standard",
                        "agent.name", i == 1 ? "code-reviewer" : "main", "skill.name", i == 2 ? "pdf" : "commit",
                        "plugin.name", "team-tools", "mcp_server.name", i == 0 ? "github" : "linear",
                        "mcp_tool.name", i == 0 ? "create_issue" : "search");
                app.cost(session, 0.002, attrs).tokens(session, "output", 40, attrs).tokens(session, "cacheRead", 300, attrs)
                        .linesOfCode(session, "added", 3, "claude-opus-4-5");
                if (ticks % 2 == 0) {
                    app.editDecision(session, "Edit", i == 1 ? "reject" : "accept", "Java", false);
                }
            }
            append(failed, app.tryExport());
        }
        sessionsStarted = current;
        int p = (int) (ticks % 2);
        // the SDK adds up (cumulative): one process has spent $0.50 before, the other $0.20; both grow slowly
        colliding[p].cost("collide", collidingStarted[p] ? 0.001 : (p == 0 ? 0.5 : 0.2), "claude-sonnet-4-5");
        collidingStarted[p] = true;
        append(failed, colliding[p].tryExport());
        ticks++;
        return failed.length() == 0 ? null : failed.toString();
    }

    /** A background interval: one the collector refused (being restarted, killed by a test) is lost. */
    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException lost) {
            // an exception would end the schedule; the next interval is sent anyway
        }
    }

    private static void append(StringBuilder failed, String failure) {
        if (failure != null) {
            failed.append(failure);
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
        try {
            sender.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        apps.forEach(ClaudeCodeClient::close);
        for (ClaudeCodeClient c : colliding) {
            c.close();
        }
    }

    /** The same events stored straight into the Loki double, as Loki's OTLP ingestion keeps them (for tests without a collector). */
    public static void events(LokiDouble loki, Instant at) {
        for (User u : USERS) {
            Map<String, String> common = Map.of("session_id", "n-" + u.machine(), "machine_name", u.machine(),
                    "user_email", u.email(), "terminal_type", u.terminal(), "prompt_id", "p-1", "event_sequence", "1");
            for (Map<String, String> attributes : EVENTS) {
                Map<String, String> metadata = new LinkedHashMap<>(common);
                metadata.putAll(attributes);
                loki.add(Map.of("service_name", u.service()), at, "claude_code." + attributes.get("event_name"), metadata);
            }
        }
    }
}
