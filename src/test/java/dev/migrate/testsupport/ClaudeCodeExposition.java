package dev.migrate.testsupport;

import java.util.List;
import java.util.Locale;

/**
 * Exposition text shaped as the bundle's collector (contrib 0.149, prometheus exporter, default
 * add_metric_suffixes: true) serves what Claude Code 2.1.328 sends with an API key: OTLP
 * {@code claude_code.cost.usage} (unit USD) becomes {@code claude_code_cost_usage_USD_total};
 * the resource's service.name becomes {@code job} (which Prometheus renames {@code exported_job}
 * on scrape, because the ServiceMonitor's job wins); every point carries {@code otel_scope_name}/
 * {@code otel_scope_version} (the client's version), the attributes the client copies onto it
 * ({@code user_id}, {@code session_id}, {@code anthropic_provider}, {@code terminal_type},
 * {@code machine_name}) and the collector's {@code user}. No {@code target_info} and no {@code instance}:
 * the exporter serves them only for a resource with service.instance.id, which the client never sets
 * (RealPipelineTest). For pages a test serves where no collector runs.
 */
public final class ClaudeCodeExposition {
    /** The Prometheus names of the metrics a normal session produces (PR/commit counters only after one). */
    public static final List<String> SESSION_METRICS = List.of(
            "claude_code_session_count_total",
            "claude_code_cost_usage_USD_total",
            "claude_code_token_usage_tokens_total",
            "claude_code_active_time_seconds_total",
            "claude_code_lines_of_code_count_total",
            "claude_code_code_edit_tool_decision_total");

    /** One API-key user's per-install id (64 hex, as the client's). */
    static final String USER_ID = "a74693d56ec054165c643dd451e9deb6aa4e7afa823649674c76f09074a734a2";

    private ClaudeCodeExposition() {
    }

    /**
     * @param serviceName   claude-code, or claude-code-desktop for Desktop sessions
     * @param names         Prometheus metric names to emit (each as a counter)
     * @param sessions      how many session_id values per metric (series count = names x sessions)
     */
    public static String text(String serviceName, List<String> names, int sessions) {
        return text(List.of(serviceName), names, sessions);
    }

    /** Several resources (e.g. claude-code and claude-code-desktop) in one page, one family per name as the exporter does. */
    public static String text(List<String> serviceNames, List<String> names, int sessions) {
        StringBuilder sb = new StringBuilder(names.size() * sessions * 300);
        for (String name : names) {
            sb.append("# HELP ").append(name).append(" Claude Code metric\n# TYPE ").append(name).append(" counter\n");
            for (String serviceName : serviceNames) {
                series(sb, name, serviceName, sessions);
            }
        }
        return sb.toString();
    }

    private static void series(StringBuilder sb, String name, String serviceName, int sessions) {
        for (int s = 0; s < sessions; s++) {
            sb.append(name).append("{job=\"").append(serviceName).append("\",anthropic_provider=\"firstParty\",")
                    .append("machine_name=\"laptop\",model=\"claude-sonnet-4-5\",")
                    .append("otel_scope_name=\"com.anthropic.claude_code\",otel_scope_schema_url=\"\",otel_scope_version=\"2.1.328\",")
                    .append("session_id=\"").append(String.format(Locale.ROOT, "s-%06d", s)).append("\",")
                    .append("terminal_type=\"vscode\",user=\"").append(USER_ID).append("\",user_id=\"").append(USER_ID).append("\"");
            if (name.contains("token_usage")) {
                sb.append(",type=\"input\"");
            }
            sb.append("} ").append(1 + s % 7).append(".5\n");
        }
    }

    /** The collector's own metric names without suffixes: what add_metric_suffixes: false produces. */
    public static List<String> unsuffixed(List<String> names) {
        return names.stream()
                .map(n -> n.replace("_total", "").replace("_USD", "").replace("_tokens", "").replace("_seconds", ""))
                .toList();
    }
}
