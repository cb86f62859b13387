package dev.migrate.testsupport;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's expressions as they were before the recording rules: each
 * {@code sum_over_time(claude_code:<name>:increment{F}[R])} written back as the growth of every session's
 * own series over R, {@code clamp_min(max_over_time(M{F}[R]) - M{F} offset R, 0) or max_over_time(M{F}[R])},
 * which every panel computed until then. The tests compare the two on the same data.
 */
public final class RawPanels {
    /** Recorded increment name to the client's metric it adds up (manifests/prometheusrule.yaml). */
    public static final Map<String, String> METRIC = Map.of(
            "cost_usd", "claude_code_cost_usage_USD_total",
            "tokens", "claude_code_token_usage_tokens_total",
            "sessions", "claude_code_session_count_total",
            "commits", "claude_code_commit_count_total",
            "pull_requests", "claude_code_pull_request_count_total",
            "lines_of_code", "claude_code_lines_of_code_count_total",
            "edit_decisions", "__name__=~\"claude_code_code_edit_tool_decision(_count)?_total\"",
            "active_time_seconds", "claude_code_active_time_seconds_total");
    private static final Pattern RECORDED = Pattern.compile(
            "sum_over_time\\(claude_code:([a-z_]+):increment(?:\\{([^}]*)})?\\[([^\\]]+)]\\)");

    private RawPanels() {
    }

    /**
     * The panel whose raw twin is not what it read before: its hour in progress now adds up recorded increments
     * per recording-interval, and the same sum over raw series per minute would count a series back from a gap
     * again (the old query took the hour's growth in one piece). PromQlTest.billingCycle... covers it.
     */
    public static final String BILLING_CYCLE = "Cost this billing cycle";

    /** Whether the expression reads a recorded increment (and so has a raw twin). */
    public static boolean readsRecorded(String expr) {
        return RECORDED.matcher(expr).find();
    }

    /** The expression with every recorded increment replaced by the raw growth it stands for. */
    public static String raw(String expr) {
        Matcher m = RECORDED.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String metric = METRIC.get(m.group(1));
            if (metric == null) {
                throw new AssertionError("no raw metric for claude_code:" + m.group(1) + ":increment");
            }
            String filters = m.group(2) == null ? "" : m.group(2);
            String selector = metric.startsWith("__name__")
                    ? "{" + metric + (filters.isEmpty() ? "" : ", " + filters) + "}"
                    : metric + (filters.isEmpty() ? "" : "{" + filters + "}");
            String range = m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement("(clamp_min(max_over_time(" + selector + "[" + range + "]) - "
                    + selector + " offset " + range + ", 0) or max_over_time(" + selector + "[" + range + "]))"));
        }
        m.appendTail(out);
        return out.toString();
    }
}
