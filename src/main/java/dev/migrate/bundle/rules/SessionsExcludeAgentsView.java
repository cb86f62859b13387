package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Session counts leave out start_type="agents_view": the Claude Code docs call it the agents UI process,
 * not a session, so a count that includes it reads high. A query that groups by start_type shows it on
 * purpose and is allowed, and so is a recording rule that keeps start_type (sum without a list lacking it):
 * the panels filter its recorded series, {@value #RECORDED}, which this rule checks as a session count too.
 */
public final class SessionsExcludeAgentsView extends NamedRule {
    public static final String NAME = "queries.sessions-exclude-agents-view";
    static final String METRIC = "claude_code_session_count_total";
    /** The recording rules' per-interval session counts (manifests/prometheusrule.yaml). */
    static final String RECORDED = "claude_code:sessions:increment";
    private static final Pattern SELECTOR = Pattern.compile("\\b(" + METRIC + "|" + RECORDED + ")(?![A-Za-z0-9_:])(\\{[^}]*})?");
    private static final Pattern WITHOUT = Pattern.compile("\\bwithout\\s*\\(([^)]*)\\)");
    private static final Pattern START_TYPE = Pattern.compile("\\bstart_type\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern BY_START_TYPE = Pattern.compile("\\bby\\s*\\([^)]*\\bstart_type\\b");

    public SessionsExcludeAgentsView() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<Map.Entry<String, String>> exprs = Parsed.allExprs(bundle);
        List<String> problems = new ArrayList<>();
        int counts = 0;
        for (Map.Entry<String, String> e : exprs) {
            if (BY_START_TYPE.matcher(e.getValue()).find() || keepsStartType(e.getValue())) {
                continue;
            }
            Matcher m = SELECTOR.matcher(e.getValue());
            boolean flagged = false;
            while (m.find()) {
                counts++;
                if (!flagged && !excludes(m.group(2) == null ? "" : m.group(2))) {
                    problems.add("'" + e.getKey() + "' counts " + m.group(1) + " without start_type!=\"agents_view\"");
                    flagged = true;
                }
            }
        }
        return Verdict.of(NAME, problems, counts + " session-count selectors, each without agents_view",
                "start_type=\"agents_view\" is the agents UI process, not a session (Claude Code docs): counting it inflates sessions",
                "add start_type!=\"agents_view\" to the selector, e.g. " + METRIC + "{start_type!=\"agents_view\"}; to show it,"
                        + " group by (start_type)");
    }

    /** An aggregation "without (...)" that does not drop start_type: the result still tells agents_view apart. */
    private static boolean keepsStartType(String expr) {
        Matcher m = WITHOUT.matcher(expr);
        return m.find() && !m.group(1).matches(".*\\bstart_type\\b.*");
    }

    private static boolean excludes(String matchers) {
        Matcher m = START_TYPE.matcher(matchers);
        while (m.find()) {
            try {
                boolean matchesAgentsView = switch (m.group(1)) {
                    case "=" -> m.group(2).equals("agents_view");
                    case "!=" -> !m.group(2).equals("agents_view");
                    case "=~" -> "agents_view".matches(m.group(2));
                    default -> !"agents_view".matches(m.group(2));
                };
                if (!matchesAgentsView) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                return false;
            }
        }
        return false;
    }
}
