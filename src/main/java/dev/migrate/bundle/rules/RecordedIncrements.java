package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recorded increments ({@code claude_code:<name>:increment}) add up only when they tile time: each
 * recording rule's window is its group's interval (the one longer range is the lookback for the value
 * before the window, behind {@code offset}); every query reads them with sum_over_time (a rate() or a
 * bare selector would read one interval's growth, or the last one's again); and every one a panel or
 * alert reads is recorded by the bundle, so an edited --dashboard cannot point at a series nobody writes.
 */
public final class RecordedIncrements extends NamedRule {
    public static final String NAME = "queries.recorded-increments";
    private static final Pattern RECORDED = Pattern.compile("\\bclaude_code:[A-Za-z0-9_]+:increment\\b");
    private static final Pattern SUMMED = Pattern.compile("\\bsum_over_time\\s*\\(\\s*(claude_code:[A-Za-z0-9_]+:increment)\\b");
    /** A range not followed by offset: the window itself. */
    private static final Pattern WINDOW = Pattern.compile("\\[([^\\]:]+)](?!\\s*offset)");

    public RecordedIncrements() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        Set<String> recorded = new TreeSet<>();
        for (JsonNode rule : Parsed.objects(bundle, "PrometheusRule")) {
            for (JsonNode group : rule.path("spec").path("groups")) {
                String interval = group.path("interval").asText("");
                for (JsonNode r : group.path("rules")) {
                    String name = r.path("record").asText("");
                    if (!RECORDED.matcher(name).matches()) {
                        continue;
                    }
                    recorded.add(name);
                    Matcher w = WINDOW.matcher(r.path("expr").asText());
                    while (w.find()) {
                        if (!w.group(1).strip().equals(interval)) {
                            problems.add("record " + name + " reads a window of " + w.group(1) + " but its group "
                                    + group.path("name").asText() + " runs every " + (interval.isEmpty() ? "(no interval)" : interval));
                            break;
                        }
                    }
                }
            }
        }
        int reads = 0;
        for (Map.Entry<String, String> e : Parsed.allExprs(bundle)) {
            String expr = e.getValue();
            Matcher m = RECORDED.matcher(expr);
            int summed = 0;
            Matcher s = SUMMED.matcher(expr);
            while (s.find()) {
                summed++;
            }
            int all = 0;
            while (m.find()) {
                all++;
                if (!recorded.contains(m.group())) {
                    problems.add("'" + e.getKey() + "' reads " + m.group() + ", which no recording rule of the bundle writes");
                }
            }
            reads += all;
            if (all > summed) {
                problems.add("'" + e.getKey() + "' reads a recorded increment other than through sum_over_time(...)");
            }
        }
        return Verdict.of(NAME, problems, recorded.size() + " recorded increments, each over its group's interval; "
                        + reads + " reads, each a sum_over_time",
                "an increment series holds each interval's growth: a window other than the group's interval counts growth"
                        + " twice or not at all, and anything but a sum over the range reads a wrong total",
                "keep each recording rule's window equal to its group's interval (recording-interval), and read the series"
                        + " as sum(sum_over_time(claude_code:<name>:increment{...}[$__range]))");
    }
}
