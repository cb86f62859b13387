package dev.migrate.testsupport;

import java.util.List;
import java.util.Locale;

/**
 * Exposition text shaped exactly as the collector's prometheus exporter (contrib 0.14x, default
 * add_metric_suffixes: true) emits Claude Code's metrics (Claude Code docs, "Monitoring"): OTLP
 * {@code claude_code.cost.usage} (unit USD) becomes {@code claude_code_cost_usage_USD_total};
 * the resource's service.name becomes {@code job} (which Prometheus renames {@code exported_job}
 * on scrape, because the ServiceMonitor's job wins); resource attributes go to {@code target_info};
 * every point carries {@code otel_scope_name}/{@code otel_scope_version}.
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
        sb.append("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        for (String serviceName : serviceNames) {
            sb.append("target_info{job=\"").append(serviceName).append("\",instance=\"a1b2c3\",host_arch=\"arm64\",")
                    .append("os_type=\"darwin\",service_version=\"2.0.14\"} 1\n");
        }
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
            sb.append(name).append("{job=\"").append(serviceName).append("\",instance=\"a1b2c3\",")
                    .append("machine_name=\"laptop\",model=\"claude-sonnet-4-5\",organization_id=\"org-1\",")
                    .append("otel_scope_name=\"com.anthropic.claude_code\",otel_scope_version=\"2.0.14\",")
                    .append("session_id=\"").append(String.format(Locale.ROOT, "s-%06d", s)).append("\",")
                    .append("terminal_type=\"vscode\",user_account_uuid=\"u-1\",user_id=\"uid-1\"");
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
