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

    /** A claude.ai login (the Desktop app has no other): email and account keys beside the user.id every client sends. */
    record User(String email, String service, String machine, String terminal) {
        Map<String, String> point() {
            return Map.of("user.email", email, "organization.id", "org-1", "user.account_uuid", "acct-" + machine,
                    "user.account_id", "user_" + machine, "terminal.type", terminal);
        }
    }

    static final List<User> USERS = List.of(
            new User("alice@example.com", "claude-code", "laptop", "vscode"),
            new User("bob@example.com", "claude-code-desktop", "studio", "claude-desktop"));
    static final String[] QUERY_SOURCE = {"main", "subagent", "auxiliary"};
    static final String[] START_TYPE = {"fresh", "resume", "continue"};

    /**
     * Every event with the attributes and values the real client sends (Claude Code 2.1.328), each user sends
     * them all once. Here because the Desktop app, interactive-only values (a mode change by keyboard), auth
     * and internal_error cannot be made by the real client offline. Dotted keys stay dotted, as the client
     * sends them; Loki turns them into underscores.
     */
    static final List<Map<String, String>> EVENTS = List.of(
                    pairs("event_name", "api_request", "model", "claude-opus-4-5", "duration_ms", "1840", "ttft_ms", "610",
                            "cost_usd", "0.02", "request_id", "req_01", "speed", "fast", "input_tokens", "1200",
                            "output_tokens", "300", "cache_read_tokens", "300", "cache_creation_tokens", "50", "query_source", "sdk"),
                    pairs("event_name", "api_request", "model", "claude-opus-4-5", "duration_ms", "950", "ttft_ms", "420",
                            "cost_usd", "0.01", "request_id", "req_02", "speed", "normal", "input_tokens", "800",
                            "output_tokens", "120", "cache_read_tokens", "0", "cache_creation_tokens", "0", "query_source", "sdk"),
                    // a request that failed after its retries: one api_error (attempt = tries made) and its api_retries_exhausted
                    Map.of("event_name", "api_error", "model", "claude-opus-4-5", "status_code", "529", "error", "Overloaded",
                            "attempt", "2", "duration_ms", "115", "speed", "normal", "query_source", "sdk"),
                    Map.of("event_name", "api_retries_exhausted", "model", "claude-opus-4-5", "status_code", "529",
                            "error", "Overloaded", "total_attempts", "2", "total_retry_duration_ms", "1248"),
                    Map.of("event_name", "tool_result", "tool_name", "Bash", "success", "true", "duration_ms", "420",
                            "tool_input_size_bytes", "124", "tool_result_size_bytes", "2048"),
                    Map.of("event_name", "tool_result", "tool_name", "Bash", "success", "false", "duration_ms", "93",
                            "error_type", "ShellError", "tool_input_size_bytes", "124", "tool_result_size_bytes", "61"),
                    Map.of("event_name", "tool_decision", "tool_name", "Bash", "decision", "reject", "source", "user_reject",
                            "tool_source", "builtin", "permission_mode", "default"),
                    // a tool of the user's own MCP server: the client names it mcp_tool, whatever the server and tool
                    Map.of("event_name", "tool_decision", "tool_name", "mcp_tool", "decision", "reject",
                            "source", "config", "tool_source", "mcp", "permission_mode", "default"),
                    Map.of("event_name", "user_prompt", "prompt_length", "120", "prompt", "<REDACTED>"),
                    // a user or project skill is custom_skill on the event (its real name is on the cost/token points)
                    Map.of("event_name", "skill_activated", "skill.name", "custom_skill", "invocation_trigger", "claude-proactive",
                            "skill.source", "userSettings"),
                    // a mode change by keyboard (interactive only): the trigger the SDK's changes lack
                    Map.of("event_name", "permission_mode_changed", "from_mode", "default", "to_mode", "bypassPermissions",
                            "trigger", "shift_tab"),
                    Map.of("event_name", "permission_mode_changed", "from_mode", "bypassPermissions", "to_mode", "default",
                            "trigger", "shift_tab"),
                    Map.of("event_name", "mcp_server_connection", "status", "connected", "transport_type", "stdio",
                            "server_scope", "dynamic", "duration_ms", "903", "is_plugin", "false"),
                    Map.of("event_name", "mcp_server_connection", "status", "failed", "transport_type", "http",
                            "server_scope", "user", "duration_ms", "30000", "error_code", "ECONNREFUSED", "is_plugin", "false"),
                    Map.of("event_name", "hook_execution_complete", "hook_event", "PreToolUse", "num_blocking", "1",
                            "num_success", "0", "total_duration_ms", "230"),
                    Map.of("event_name", "compaction", "trigger", "auto", "pre_tokens", "182000", "post_tokens", "41000",
                            "success", "true", "duration_ms", "317"),
                    // the category only with OTEL_LOG_TOOL_DETAILS=1 (these users have it on)
                    Map.of("event_name", "api_refusal", "model", "claude-opus-4-5", "category", "cyber", "server_fallback_hop", "false",
                            "has_category", "true", "attempt", "1"),
                    Map.of("event_name", "subagent_completed", "agent_type", "custom", "agent.source", "flagSettings",
                            "duration_ms", "48000", "total_tokens", "1567", "total_tool_uses", "17", "model", "claude-haiku-5-5",
                            "is_async", "true", "is_built_in", "false"),
                    Map.of("event_name", "assistant_response", "model", "claude-opus-4-5", "response_length", "10"),
                    Map.of("event_name", "internal_error", "error_name", "TypeError", "error_code", "E_STATE"),
                    Map.of("event_name", "plugin_loaded", "plugin.name", "team-tools", "marketplace.name", "team"),
                    Map.of("event_name", "hook_registered", "hook_event", "PreToolUse", "hook_type", "command"),
                    Map.of("event_name", "auth", "action", "login", "success", "true", "auth_method", "oauth"));

    /** Key, value, key, value ... as a map (Map.of stops at ten pairs). */
    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Map.copyOf(m);
    }

    /**
     * The cost and token attributes of a request of kind i (0 main thread in fast mode via an MCP tool of the
     * user's own server, 1 a user-defined subagent, 2 an auxiliary call inside a skill), as the client sends
     * them: speed only when fast, agent.name and effort only on the subagent's calls, MCP names "custom"
     * without OTEL_LOG_TOOL_DETAILS, plugin.name only on a plugin's calls.
     */
    static Map<String, String> requestAttributes(int i) {
        Map<String, String> a = new LinkedHashMap<>(Map.of("model", "claude-opus-4-5", "query_source", QUERY_SOURCE[i]));
        switch (i) {
            case 0 -> a.putAll(Map.of("speed", "fast", "mcp_server.name", "custom", "mcp_tool.name", "custom"));
            case 1 -> a.putAll(Map.of("agent.name", "custom", "effort", "medium"));
            default -> a.putAll(Map.of("skill.name", "pdf", "plugin.name", "team-tools", "marketplace.name", "team"));
        }
        return a;
    }

    private final Instant epoch = Instant.now();
    private final List<ClaudeCodeClient> apps;
    /** The two processes on session_id "collide", each with its running total. */
    private final ClaudeCodeClient[] colliding;
    private final boolean[] collidingStarted = new boolean[2];
    private final ScheduledExecutorService sender;
    private long ticks;
    private long sessionsStarted = -1;

    private Telemetry2026(String grpcEndpoint, String httpEndpoint) {
        apps = List.of(
                new ClaudeCodeClient(grpcEndpoint, "grpc", USERS.get(0).service(), USERS.get(0).machine(),
                        USERS.get(0).point(), AggregationTemporality.DELTA),
                new ClaudeCodeClient(httpEndpoint, "http/protobuf", USERS.get(1).service(), USERS.get(1).machine(),
                        USERS.get(1).point(), AggregationTemporality.DELTA));
        colliding = new ClaudeCodeClient[2];
        for (int p = 0; p < 2; p++) {
            colliding[p] = new ClaudeCodeClient(grpcEndpoint, "grpc", USERS.get(0).service(), USERS.get(0).machine(),
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
        return start(collector.grpcEndpoint(), collector.httpEndpoint());
    }

    /** {@link #start(CollectorProcess)} for a collector reached at these OTLP endpoints (e.g. a cluster's VIP). */
    public static Telemetry2026 start(String grpcEndpoint, String httpEndpoint) {
        Telemetry2026 t = new Telemetry2026(grpcEndpoint, httpEndpoint);
        for (int u = 0; u < USERS.size(); u++) {
            User user = USERS.get(u);
            for (Map<String, String> attributes : EVENTS) {
                Map<String, String> a = new LinkedHashMap<>(attributes);
                String name = a.remove("event_name");
                a.putAll(Map.of("prompt.id", "p-1", "event.sequence", "1")); // the client adds user.point() itself
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
                Map<String, String> attrs = requestAttributes(i);
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
            Map<String, String> common = new LinkedHashMap<>(Map.of("session_id", "n-" + u.machine(), "machine_name", u.machine(),
                    "user_email", u.email(), "user", u.email(), "user_id", ClaudeCodeClient.userId(u.machine()),
                    "terminal_type", u.terminal(), "prompt_id", "p-1", "event_sequence", "1"));
            for (Map<String, String> attributes : EVENTS) {
                Map<String, String> metadata = new LinkedHashMap<>(common);
                attributes.forEach((k, v) -> metadata.put(k.replace('.', '_'), v));
                loki.add(Map.of("service_name", u.service()), at, "claude_code." + attributes.get("event_name"), metadata);
            }
        }
    }
}
