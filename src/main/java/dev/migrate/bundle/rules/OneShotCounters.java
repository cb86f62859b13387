package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one-shot counters (sessions, commits, pull requests) are not read with increase(), rate()
 * and friends, in the dashboard or in the alert rules. Such a counter appears at 1 and never
 * moves again within its series, and Prometheus never counts a new series from 0, so those
 * functions return 0 for exactly the events the panel is about.
 */
public final class OneShotCounters extends NamedRule {
    public static final String NAME = "queries.one-shot-counters";
    public static final List<String> ONE_SHOT = List.of("claude_code_session_count_total",
            "claude_code_commit_count_total", "claude_code_pull_request_count_total");
    private static final Pattern BARE = Pattern.compile("\\b(increase|rate|irate|delta|idelta)\\s*\\(\\s*("
            + String.join("|", ONE_SHOT) + ")\\b");

    public OneShotCounters() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<Map.Entry<String, String>> exprs = Parsed.allExprs(bundle);
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> e : exprs) {
            var m = BARE.matcher(e.getValue());
            while (m.find()) {
                found.add("'" + e.getKey() + "' uses " + m.group(1) + "(" + m.group(2) + ")");
            }
        }
        return Verdict.of(NAME, found, exprs.size() + " queries, no increase()/rate() on a one-shot counter",
                "a one-shot counter appears at 1 and stays there, so increase()/rate() over it is 0: the panel says no "
                        + "sessions, commits or PRs when there were some",
                "count them from zero when the series is born: sum(clamp_min(max_over_time(M[$__range]) - M offset "
                        + "$__range, 0) or max_over_time(M[$__range])), or sum(max_over_time(M[$__range]))");
    }
}
