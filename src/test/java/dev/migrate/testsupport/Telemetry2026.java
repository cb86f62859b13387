package dev.migrate.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The telemetry Claude Code added in 2026 (Claude Code docs "Monitoring", shared REFERENCE.md §8), as the
 * pipeline delivers it: metric series with the new attributes (query_source, effort, speed, agent.name,
 * skill.name, plugin.name, mcp_server.name, mcp_tool.name on cost and tokens; start_type on session.count,
 * agents_view included; model on lines_of_code), from the CLI and from the Desktop app
 * (service.name claude-code-desktop), and every 2026 event with its attributes as Loki stores them.
 * <p>
 * Series are clock-driven so that any window sees growth: a new session starts every {@link #SESSION_EVERY}
 * (its one-shot counters born inside the window, as real ones are) and cost grows while it lives. One
 * session_id is shared by two processes whose cost counters interleave (anthropics/claude-code #56317):
 * its counter resets on every other scrape.
 * PipelineWorld and ClaudeCodeExposition call {@link #into(String, Instant)} and {@link #events}; nothing else
 * of theirs changes.
 */
public final class Telemetry2026 {
    public static final Duration SESSION_EVERY = Duration.ofSeconds(5);
    /** The start of the clock-driven series (fixed per JVM, so successive scrapes continue each other). */
    private static final Instant EPOCH = Instant.now();
    private static final java.util.concurrent.atomic.AtomicLong PAGES = new java.util.concurrent.atomic.AtomicLong();

    record User(String email, String service, String machine, String terminal) {
    }

    static final List<User> USERS = List.of(
            new User("alice@example.com", "claude-code", "laptop", "vscode"),
            new User("bob@example.com", "claude-code-desktop", "studio", "claude-desktop"));
    static final String[] QUERY_SOURCE = {"main", "subagent", "auxiliary"};
    static final String[] START_TYPE = {"fresh", "resume", "continue"};
    static final String[] EFFORT = {"low", "medium", "high"};

    private Telemetry2026() {
    }

    /**
     * The exporter page with the 2026 series merged in: each family's new series right after its TYPE line
     * (the exporter writes one block per family), families the page lacks appended whole.
     */
    public static String into(String page, Instant now) {
        Map<String, StringBuilder> families = series(now);
        StringBuilder out = new StringBuilder(page.length() + 64 * 1024);
        for (String line : page.split("\n", -1)) {
            out.append(line).append('\n');
            if (line.startsWith("# TYPE ")) {
                StringBuilder extra = families.remove(line.split(" ")[2]);
                if (extra != null) {
                    out.append(extra);
                }
            }
        }
        families.forEach((name, lines) -> out.append("# HELP ").append(name).append(" Claude Code metric\n# TYPE ")
                .append(name).append(" counter\n").append(lines));
        return out.toString().replace("\n\n", "\n");
    }

    private static Map<String, StringBuilder> series(Instant now) {
        Map<String, StringBuilder> f = new LinkedHashMap<>();
        double elapsed = Math.max(0, Duration.between(EPOCH, now).toMillis() / 1000.0);
        long current = (long) (elapsed / SESSION_EVERY.toSeconds());
        for (int u = 0; u < USERS.size(); u++) {
            User user = USERS.get(u);
            for (long k = Math.max(0, current - 3); k <= current; k++) {
                String session = String.format(Locale.ROOT, "n%d-%06d", u, k);
                double age = elapsed - k * SESSION_EVERY.toSeconds() + 1;
                int i = (int) (k % 3);
                String base = base(user, session);
                add(f, "claude_code_session_count_total", base + ",start_type=\"" + START_TYPE[i] + "\"", 1);
                add(f, "claude_code_session_count_total", base(user, session + "-ui") + ",start_type=\"agents_view\"", 1);
                String attrs = base + ",model=\"claude-opus-4-5\",query_source=\"" + QUERY_SOURCE[i] + "\",effort=\"" + EFFORT[i]
                        + "\",speed=\"" + (i == 0 ? "fast" : "standard") + "\",agent_name=\"" + (i == 1 ? "code-reviewer" : "main")
                        + "\",skill_name=\"" + (i == 2 ? "pdf" : "commit") + "\",plugin_name=\"team-tools\",mcp_server_name=\""
                        + (i == 0 ? "github" : "linear") + "\",mcp_tool_name=\"" + (i == 0 ? "create_issue" : "search") + "\"";
                add(f, "claude_code_cost_usage_USD_total", attrs, 0.002 * age);
                add(f, "claude_code_token_usage_tokens_total", attrs + ",type=\"output\"", 40 * age);
                add(f, "claude_code_token_usage_tokens_total", attrs + ",type=\"cacheRead\"", 300 * age);
                add(f, "claude_code_lines_of_code_count_total", base + ",model=\"claude-opus-4-5\",type=\"added\"", 3 * age);
                add(f, "claude_code_code_edit_tool_decision_total", base + ",tool_name=\"Edit\",decision=\""
                        + (i == 1 ? "reject" : "accept") + "\",source=\"user_temporary\",language=\"Java\"", 1 + Math.floor(age / 2));
                add(f, "claude_code_commit_count_total", base, 1);
                add(f, "claude_code_pull_request_count_total", base, 1);
            }
        }
        // two processes on one session_id: the exporter's one series alternates between their running totals,
        // page by page (each scrape renders one page)
        long scrape = PAGES.getAndIncrement();
        add(f, "claude_code_cost_usage_USD_total", base(USERS.get(0), "collide") + ",model=\"claude-sonnet-4-5\"",
                (scrape % 2 == 0 ? 0.5 : 0.2) + 0.001 * elapsed);
        return f;
    }

    private static String base(User u, String session) {
        return "job=\"" + u.service() + "\",instance=\"a1b2c3\",machine_name=\"" + u.machine() + "\",organization_id=\"org-1\","
                + "otel_scope_name=\"com.anthropic.claude_code\",otel_scope_version=\"2.1.3\",session_id=\"" + session + "\","
                + "terminal_type=\"" + u.terminal() + "\",user_email=\"" + u.email() + "\",user_id=\"uid-" + u.machine() + "\"";
    }

    private static void add(Map<String, StringBuilder> f, String name, String labels, double value) {
        f.computeIfAbsent(name, n -> new StringBuilder()).append(name).append('{').append(labels).append("} ")
                .append(String.format(Locale.ROOT, "%.4f", value)).append('\n');
    }

    /** The 2026 events (and the older ones with their new attributes), from both apps, stored as Loki's OTLP ingestion does. */
    public static void events(LokiDouble loki, Instant at) {
        for (User u : USERS) {
            Map<String, String> common = Map.of("session_id", "n-" + u.machine(), "machine_name", u.machine(),
                    "user_email", u.email(), "terminal_type", u.terminal(), "prompt_id", "p-1", "event_sequence", "1");
            List<Map<String, String>> events = new ArrayList<>(List.of(
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
                    Map.of("event_name", "auth", "method", "oauth", "success", "true")));
            for (Map<String, String> attributes : events) {
                Map<String, String> metadata = new LinkedHashMap<>(common);
                metadata.putAll(attributes);
                loki.add(Map.of("service_name", u.service()), at, "claude_code." + attributes.get("event_name"), metadata);
            }
        }
    }
}
