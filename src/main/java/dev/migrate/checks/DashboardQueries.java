package dev.migrate.checks;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus queries of a Grafana dashboard model, ready to run: panels (also inside collapsed
 * rows) whose target or panel datasource is not Loki (and, separately, the LogQL ones), with Grafana's template
 * variables replaced the way Grafana would on first load ($__range, $__interval, $__rate_interval; dashboard
 * variables by their current value, "All" by its allValue).
 * The caller chooses the range: verify uses a short one, because it proves a query runs, not what it
 * shows, and a long range over 100,000 series would make the check cost what the dashboard costs.
 */
public final class DashboardQueries {
    /** @param panel the panel title, for messages; @param expr ready to send to Prometheus */
    public record Query(String panel, String refId, String expr) {
    }

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::[^}]*)?}|\\[\\[([A-Za-z0-9_]+)(?::[^]]*)?]]|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private DashboardQueries() {
    }

    /**
     * @param dashboard the dashboard model (the "dashboard" object of Grafana's API, or the file)
     * @param lokiUid   the Loki datasource UID: its targets are LogQL and skipped
     * @param range     what $__range stands for (the verify window)
     */
    public static List<Query> prometheusQueries(JsonNode dashboard, String lokiUid, Duration range) {
        List<Query> out = new ArrayList<>();
        collect(dashboard.path("panels"), lokiUid, false, range, variables(dashboard), out);
        return out;
    }

    /** The LogQL queries (targets on the Loki datasource), substituted the same way. */
    public static List<Query> lokiQueries(JsonNode dashboard, String lokiUid, Duration range) {
        List<Query> out = new ArrayList<>();
        collect(dashboard.path("panels"), lokiUid, true, range, variables(dashboard), out);
        return out;
    }

    private static void collect(JsonNode panels, String lokiUid, boolean loki, Duration range, Map<String, String> vars,
                                List<Query> out) {
        for (JsonNode panel : panels) {
            collect(panel.path("panels"), lokiUid, loki, range, vars, out); // collapsed rows nest their panels
            String title = panel.path("title").asText("(untitled)");
            for (JsonNode target : panel.path("targets")) {
                JsonNode ds = target.has("datasource") ? target.get("datasource") : panel.path("datasource");
                if (isLoki(ds, lokiUid) != loki || !target.hasNonNull("expr") || target.path("hide").asBoolean(false)) {
                    continue;
                }
                String expr = target.get("expr").asText();
                if (!expr.isBlank()) {
                    out.add(new Query(title, target.path("refId").asText(""), substitute(expr, range, vars)));
                }
            }
        }
    }

    /**
     * What Grafana puts in for each dashboard variable on first load: its current value, or its allValue
     * (".*" when unset) when the current value is "All". A variable with no current value matches everything.
     */
    static Map<String, String> variables(JsonNode dashboard) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            JsonNode current = v.path("current").path("value");
            String value = current.isArray() ? (current.size() == 1 ? current.get(0).asText() : null) : current.asText(null);
            if (value == null || value.isEmpty() || value.equals("$__all")) {
                value = v.path("allValue").asText(".*");
                value = value.isEmpty() ? ".*" : value;
            }
            out.put(v.path("name").asText(), value);
        }
        return out;
    }

    private static boolean isLoki(JsonNode ds, String lokiUid) {
        if (ds.isTextual()) {
            return ds.asText().equalsIgnoreCase("loki") || ds.asText().equals(lokiUid);
        }
        return "loki".equals(ds.path("type").asText()) || lokiUid.equals(ds.path("uid").asText());
    }

    private static final Pattern METRIC = Pattern.compile("\\b(claude_code_[A-Za-z0-9_]+)\\b");
    private static final Pattern NAME_REGEX = Pattern.compile("__name__\\s*=~\\s*\"([^\"]+)\"");

    /**
     * The claude_code_* metric names the queries read (to compare with what Prometheus has). A name
     * selector {@code {__name__=~"R"}} (a panel reading two names of one metric) gives the regex R
     * itself: {@link #isNameRegex} tells them apart.
     */
    public static Set<String> metricNames(List<Query> queries) {
        Set<String> out = new TreeSet<>();
        for (Query q : queries) {
            Matcher r = NAME_REGEX.matcher(q.expr());
            while (r.find()) {
                out.add(r.group(1));
            }
            Matcher m = METRIC.matcher(NAME_REGEX.matcher(q.expr()).replaceAll(""));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Whether an entry of {@link #metricNames} is a name regex rather than a plain name. */
    public static boolean isNameRegex(String name) {
        return !name.matches("[A-Za-z_:][A-Za-z0-9_:]*");
    }

    /**
     * Grafana's built-in interval variables get real durations ($__range and $__interval alike: the
     * evaluation range); any other variable matches everything.
     */
    static String substitute(String expr, Duration range) {
        return substitute(expr, range, Map.of());
    }

    static String substitute(String expr, Duration range, Map<String, String> vars) {
        long seconds = Math.max(range.toSeconds(), 1);
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = switch (name) {
                case "__range" -> seconds + "s";
                case "__range_s" -> Long.toString(seconds);
                case "__range_ms" -> Long.toString(seconds * 1000);
                case "__interval", "__rate_interval" -> seconds + "s";
                case "__interval_ms" -> Long.toString(seconds * 1000);
                default -> vars.getOrDefault(name, ".*");
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
