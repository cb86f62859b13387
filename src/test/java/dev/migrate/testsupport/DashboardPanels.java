package dev.migrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rendered dashboard's panels as a user opens them (last hour, every filter on All): each query
 * with Grafana's variables set as that view sets them, run where its datasource points — PromQL on a
 * real Prometheus, LogQL on the Loki double — and read back as the numbers the panel shows.
 */
public final class DashboardPanels {
    /** One query of one panel. {@code datasource} is prometheus or loki. */
    public record Target(String panel, String type, String datasource, String expr) {
    }

    private final List<Target> targets = new ArrayList<>();
    /** The Prometheus the dashboard reads. */
    private final ManagedProcess prometheus;
    /** Its recording group's query_offset (setting recording-query-offset). */
    private final java.time.Duration queryOffset;
    private final LokiDouble loki;

    /** The PrometheusRule group that records the increments most panels read (manifests/prometheusrule.yaml). */
    public static final String RECORDING_GROUP = "claude-code-recording";

    /**
     * Reads the panels of {@code dashboardJson}; first waits for one evaluation of the recording rules (when
     * loaded), so the panels that read recorded increments include everything scraped so far.
     */
    public DashboardPanels(String dashboardJson, PrometheusProcess prometheus, LokiDouble loki) {
        this(dashboardJson, prometheus, Rendered.WORLD_QUERY_OFFSET, loki);
    }

    /**
     * @param prometheus  the Prometheus the dashboard reads (e.g. the homelab world's, on the operator's rule files)
     * @param queryOffset its recording group's query_offset: {@link Rendered#WORLD_QUERY_OFFSET} in the test
     *                    worlds, the setting's default where the bundle runs on default settings
     */
    public DashboardPanels(String dashboardJson, ManagedProcess prometheus, java.time.Duration queryOffset, LokiDouble loki) {
        this(dashboardJson, prometheus, queryOffset, loki, Map.of());
    }

    /**
     * The same view with some filters picked as a user picks them (variable name to value, e.g. model to one
     * model); every other filter stays on All.
     */
    public DashboardPanels(String dashboardJson, PrometheusProcess prometheus, LokiDouble loki, Map<String, String> picked) {
        this(dashboardJson, prometheus, Rendered.WORLD_QUERY_OFFSET, loki, picked);
    }

    private DashboardPanels(String dashboardJson, ManagedProcess prometheus, java.time.Duration queryOffset, LokiDouble loki,
                            Map<String, String> picked) {
        this.prometheus = prometheus;
        this.queryOffset = queryOffset;
        this.loki = loki;
        awaitRecorded();
        JsonNode dashboard;
        try {
            dashboard = Json.MAPPER.readTree(dashboardJson);
        } catch (IOException e) {
            throw new AssertionError("the dashboard is not JSON", e);
        }
        // a filter on All is its allValue; any other variable is what the dashboard ships selected
        Map<String, String> variables = new TreeMap<>();
        for (JsonNode v : dashboard.at("/templating/list")) {
            variables.put(v.path("name").asText(), v.path("includeAll").asBoolean()
                    ? v.path("allValue").asText(".*") : v.at("/current/value").asText());
        }
        picked.forEach((name, value) -> {
            if (!variables.containsKey(name)) {
                throw new AssertionError("the dashboard has no variable '" + name + "': " + variables.keySet());
            }
            variables.put(name, value);
        });
        collect(dashboard.path("panels"), variables);
    }

    private void collect(JsonNode panels, Map<String, String> variables) {
        for (JsonNode p : panels) {
            collect(p.path("panels"), variables);
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText()
                        .replace("$__range", "1h").replace("$__interval", "1h").replace("$__rate_interval", "1m");
                for (Map.Entry<String, String> v : variables.entrySet()) {
                    expr = expr.replaceAll("\\$" + v.getKey() + "\\b", java.util.regex.Matcher.quoteReplacement(v.getValue()));
                }
                targets.add(new Target(p.path("title").asText(), p.path("type").asText(),
                        p.path("datasource").path("type").asText(), expr));
            }
        }
    }

    /**
     * Waits until the recording rules have run once more: a recorded panel lags its data by up to one
     * evaluation, as in Grafana. Call it after sending more data and before reading the panels again.
     */
    public DashboardPanels awaitRecorded() {
        // an evaluation lags by up to one interval (1m by default) plus the offset
        PrometheusProcess.awaitGroupEvaluated(prometheus, RECORDING_GROUP, queryOffset, queryOffset.plusMinutes(2));
        return this;
    }

    /**
     * Every query that reads the recorded increments, run as it is and as its raw twin ({@link RawPanels#raw}:
     * each session's own series, as the panels read them before the recording rules); one line per query whose
     * rows that show a number differ ("panel: recorded {...} vs raw {...}"). Fails when fewer than {@code atLeast} were compared.
     */
    public List<String> differencesFromRaw(int atLeast) {
        List<String> out = new ArrayList<>();
        int compared = 0;
        for (Target t : targets) {
            if (!"prometheus".equals(t.datasource()) || !RawPanels.readsRecorded(t.expr())
                    || t.panel().equals(RawPanels.BILLING_CYCLE)) {
                continue;
            }
            compared++;
            Map<String, Double> recorded = shown(rows(t));
            Map<String, Double> raw = shown(rows(new Target(t.panel(), t.type(), t.datasource(), RawPanels.raw(t.expr()))));
            boolean same = recorded.keySet().equals(raw.keySet()) && recorded.entrySet().stream()
                    .allMatch(e -> Math.abs(e.getValue() - raw.get(e.getKey())) < 1e-9);
            if (!same) {
                out.add(t.panel() + ": recorded " + recorded + " vs raw " + raw);
            }
        }
        if (compared < atLeast) {
            throw new AssertionError("only " + compared + " panel queries read the recorded increments, not " + atLeast);
        }
        return out;
    }

    /**
     * The rows that show a number: not 0, NaN or infinite. The recorded increments hold only what grew, so where
     * the raw expression shows a 0 row (a series still exported that did not grow) or divides by one, the
     * recorded one shows no row.
     */
    private static Map<String, Double> shown(Map<String, Double> rows) {
        Map<String, Double> out = new TreeMap<>(rows);
        out.values().removeIf(v -> v == 0 || !Double.isFinite(v));
        return out;
    }

    public List<Target> targets() {
        return List.copyOf(targets);
    }

    /** The {@code index}th query of the panel titled {@code title}. */
    public Target target(String title, int index) {
        List<Target> of = targets.stream().filter(t -> t.panel().equals(title)).toList();
        if (of.size() <= index) {
            throw new AssertionError("the rendered dashboard has no query " + index + " in a panel '" + title + "'");
        }
        return of.get(index);
    }

    /** The panel's single number (a stat); fails when it reads nothing. */
    public double value(String title) {
        Map<String, Double> rows = rows(target(title, 0));
        if (rows.size() != 1) {
            throw new AssertionError("panel '" + title + "' shows " + rows.size() + " values, not one: " + rows
                    + "\n" + target(title, 0).expr());
        }
        return rows.values().iterator().next();
    }

    /** The panel's first query by one label (a bar, slice or table row per value). */
    public Map<String, Double> by(String title, String label) {
        return by(target(title, 0), label);
    }

    public Map<String, Double> by(Target t, String label) {
        Map<String, Double> out = new TreeMap<>();
        rows(t).forEach((labels, v) -> out.merge(labelValue(labels, label), v, Double::sum));
        return out;
    }

    private static String labelValue(String labels, String label) {
        for (String kv : labels.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(label)) {
                return kv.substring(eq + 1);
            }
        }
        return "";
    }

    /**
     * What the query returns: one entry per series, keyed {@code label=value,...} (sorted), valued with its
     * number; for a log query (a logs panel) one entry, the number of lines.
     */
    public Map<String, Double> rows(Target t) {
        return "loki".equals(t.datasource()) ? loki(t.expr()) : prometheus(t.expr());
    }

    private Map<String, Double> prometheus(String expr) {
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode r : PrometheusProcess.query(prometheus, expr)) {
            out.put(key(r.path("metric")), Double.valueOf(r.at("/value/1").asText()));
        }
        return out;
    }

    /** A LogQL query over the last hour on the Loki double, read as {@link #rows} reads it. */
    public Map<String, Double> loki(String expr) {
        Instant end = Instant.now();
        Instant start = end.minusSeconds(3600);
        String url = loki.url() + "/loki/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                + "&start=" + nanos(start) + "&end=" + nanos(end) + "&limit=5000";
        JsonNode doc;
        try (var in = URI.create(url).toURL().openStream()) {
            doc = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new AssertionError("the Loki double refused " + expr + ": " + e.getMessage(), e);
        }
        Map<String, Double> out = new TreeMap<>();
        JsonNode result = doc.at("/data/result");
        if ("streams".equals(doc.at("/data/resultType").asText())) {
            int lines = 0;
            for (JsonNode s : result) {
                lines += s.path("values").size();
            }
            if (lines > 0) {
                out.put("", (double) lines);
            }
            return out;
        }
        for (JsonNode r : result) {
            JsonNode values = r.path("values");
            if (values.size() > 0) {
                out.put(key(r.path("metric")), Double.valueOf(values.get(values.size() - 1).get(1).asText()));
            }
        }
        return out;
    }

    private static String nanos(Instant t) {
        return t.getEpochSecond() + String.format(java.util.Locale.ROOT, "%09d", t.getNano());
    }

    private static String key(JsonNode metric) {
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        StringBuilder sb = new StringBuilder();
        sorted.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
