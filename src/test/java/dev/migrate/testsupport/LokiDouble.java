package dev.migrate.testsupport;

import dev.migrate.testsupport.FakeHttpServer.Recorded;
import dev.migrate.testsupport.FakeHttpServer.Reply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A faithful double of the slice of Loki 3.x's HTTP API that verify and soak use
 * (grafana.com/docs/loki/latest/reference/loki-http-api/):
 * <ul>
 * <li>{@code GET /loki/api/v1/query_range} with a log query {@code {l="v",l2=~"re"} | meta="v" ...}:
 *   {@code {"status":"success","data":{"resultType":"streams","result":[{"stream":{..},"values":[["<ns>","line",
 *   {"structuredMetadata":{..},"parsed":{}}]]}],"stats":{}}}}; the third element only when the request
 *   carries {@code X-Loki-Response-Encoding-Flags: categorize-labels}, otherwise structured metadata is
 *   merged into the stream labels (one stream per distinct label set), as Loki does.</li>
 * <li>label filters after the selector on stream labels or structured metadata: {@code | l="v"}, {@code !=},
 *   {@code =~}, {@code !~} (anchored regexes; a missing label reads as ""), as Loki's label filter expressions
 *   (grafana.com/docs/loki/latest/query/log_queries/#label-filter-expression).</li>
 * <li>the same endpoint with a metric query: {@code count_over_time}, and {@code sum_over_time},
 *   {@code avg_over_time}, {@code max_over_time}, {@code min_over_time}, {@code quantile_over_time(φ, ...)}
 *   over {@code | unwrap label} with an optional {@code by (..)}; {@code sum [by (..)] (..)}; {@code A / B}
 *   (grafana.com/docs/loki/latest/query/metric_queries/). The answer is a matrix with one point, at {@code end},
 *   over the window {@code [end - range, end]}: the real Loki gives a point per step, which verify and soak
 *   do not need.</li>
 * <li>{@code GET /loki/api/v1/query} with a log selector: 400, text body (Loki >= 3.2).</li>
 * <li>{@code GET /config}: the running config as YAML; a syntax error: 400 with Loki's parse error text.</li>
 * <li>multi-tenant mode: without {@code X-Scope-OrgID} every query answers 401 "no org id".</li>
 * <li>{@code POST /otlp/v1/logs}, Loki's native OTLP ingestion (what the collector's otlp_http exporter
 *   sends: protobuf, gzip unless turned off), stored as Loki 3.x stores it: resource attribute
 *   {@code service.name} (and the other default index attributes present) as stream labels, every other
 *   resource and log attribute as structured metadata, names with {@code .} turned into {@code _};
 *   answered 204. Decoded with opentelemetry-proto (the real payload, not a copy of it).</li>
 * </ul>
 */
public final class LokiDouble implements AutoCloseable {
    /** One stored log record: stream (index) labels, its time, line and structured metadata. */
    public record Line(Map<String, String> stream, Instant at, String line, Map<String, String> metadata) {
    }

    public static final String CONFIG = """
            auth_enabled: false
            limits_config:
              allow_structured_metadata: true
              otlp_config:
                resource_attributes: {}
            schema_config:
              configs:
                - from: "2024-04-01"
                  store: tsdb
                  object_store: filesystem
                  schema: v13
                  index: {prefix: index_, period: 24h}
            """;

    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    private static final Pattern STAGE = Pattern.compile("\\s*\\|\\s*(?:unwrap\\s+([a-zA-Z_][a-zA-Z0-9_]*)|([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\")");
    private static final Pattern RANGE_FN = Pattern.compile("(count_over_time|sum_over_time|avg_over_time|max_over_time|min_over_time|quantile_over_time)\\s*\\((.*)\\[(\\w+)]\\s*\\)\\s*(?:by\\s*\\(([^)]*)\\))?", Pattern.DOTALL);
    private static final Pattern SUM = Pattern.compile("sum\\s*(?:by\\s*\\(([^)]*)\\)\\s*)?\\((.*)\\)", Pattern.DOTALL);
    private static final Pattern QUANTILE = Pattern.compile("\\s*([0-9.]+)\\s*,(.*)", Pattern.DOTALL);

    private final FakeHttpServer server;
    private final List<Line> lines = Collections.synchronizedList(new ArrayList<>());
    private volatile String config = CONFIG;
    private volatile String requiredTenant;

    public LokiDouble() {
        this(FakeHttpServer.start());
    }

    /** The double on a server of the caller's (e.g. on a pod IP in a homelab world). */
    public LokiDouble(FakeHttpServer server) {
        this.server = server;
        server.on("/loki/api/v1/query_range", this::queryRange)
                .on("/loki/api/v1/query", r -> Reply.text(400, "log queries are not supported as an instant query type,"
                        + " please change your query to a range query type"))
                .on("/config", r -> Reply.text(200, config))
                .on("/ready", Reply.text(200, "ready\n"))
                .on("/otlp/v1/logs", this::otlpLogs);
    }

    /** Loki's default otlp_config: the resource attributes it indexes (the rest go to structured metadata). */
    private static final java.util.Set<String> INDEXED = java.util.Set.of("service.name", "service.namespace",
            "service.instance.id", "deployment.environment", "deployment.environment.name", "cloud.region",
            "k8s.namespace.name", "k8s.pod.name", "k8s.container.name", "k8s.deployment.name");

    private Reply otlpLogs(Recorded r) {
        byte[] body = r.bytes();
        if ("gzip".equalsIgnoreCase(r.header("Content-Encoding"))) {
            try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                body = in.readAllBytes();
            } catch (java.io.IOException e) {
                return Reply.text(400, "gzip: " + e.getMessage());
            }
        }
        for (OtlpReceiverDouble.Log l : OtlpReceiverDouble.logsOf(body)) {
            Map<String, String> stream = new TreeMap<>();
            Map<String, String> metadata = new TreeMap<>();
            l.resource().forEach((k, v) -> (INDEXED.contains(k) ? stream : metadata).put(k.replace('.', '_'), v));
            l.attributes().forEach((k, v) -> metadata.put(k.replace('.', '_'), v));
            add(stream, l.at().getEpochSecond() == 0 ? Instant.now() : l.at(), l.body(), metadata);
        }
        return Reply.text(204, "");
    }

    /** Every stored record (pushed over OTLP or added by a test), in arrival order. */
    public List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public String url() {
        return server.url();
    }

    public FakeHttpServer server() {
        return server;
    }

    public LokiDouble config(String yaml) {
        this.config = yaml;
        return this;
    }

    /** Multi-tenant mode: queries without this X-Scope-OrgID answer 401. */
    public LokiDouble requireTenant(String tenant) {
        this.requiredTenant = tenant;
        return this;
    }

    public void add(Map<String, String> stream, Instant at, String line, Map<String, String> metadata) {
        lines.add(new Line(Map.copyOf(stream), at, line, Map.copyOf(metadata)));
    }

    /** A Claude Code event as Loki stores it after native OTLP ingestion: service.name becomes the index label service_name, log attributes become structured metadata with dots turned into underscores. */
    public void addEvent(String serviceName, String eventName, Instant at) {
        add(Map.of("service_name", serviceName), at, "claude_code." + eventName,
                Map.of("event_name", eventName, "session_id", "s-1", "machine_name", "laptop"));
    }

    private Reply queryRange(Recorded r) {
        if (requiredTenant != null && !requiredTenant.equals(r.header("X-Scope-OrgID"))) {
            return Reply.text(401, "no org id\n");
        }
        String query = r.param("query").strip();
        Instant start = nanos(r.param("start"));
        Instant end = nanos(r.param("end"));
        try {
            if (!query.startsWith("{")) {
                return metric(evaluate(query, end), end);
            }
            int limit = r.param("limit") == null ? 100 : Integer.parseInt(r.param("limit"));
            Query q = parse(query);
            if (q.unwrap() != null) {
                throw new IllegalArgumentException("syntax error: unwrap only goes inside a range aggregation");
            }
            return streams(q, start, end, limit, r.header("X-Loki-Response-Encoding-Flags") != null);
        } catch (IllegalArgumentException e) {
            return Reply.text(400, "parse error : " + e.getMessage());
        }
    }

    /**
     * A log query: stream matchers, then label filters on stream labels or structured metadata (a missing
     * label is the empty string, regexes are anchored, as in Loki's label filter expressions), and an
     * optional {@code | unwrap}.
     */
    private record Query(List<String[]> matchers, List<String[]> filters, String unwrap) {
        boolean matches(Line l) {
            for (String[] m : matchers) {
                if (!test(m, l.stream().getOrDefault(m[0], ""))) {
                    return false;
                }
            }
            for (String[] f : filters) {
                if (!test(f, l.metadata().getOrDefault(f[0], l.stream().getOrDefault(f[0], "")))) {
                    return false;
                }
            }
            return true;
        }

        private static boolean test(String[] m, String v) {
            return switch (m[1]) {
                case "=" -> v.equals(m[2]);
                case "!=" -> !v.equals(m[2]);
                case "=~" -> v.matches(m[2]);
                default -> !v.matches(m[2]);
            };
        }
    }

    private static Query parse(String logql) {
        String text = logql.strip();
        int close = text.indexOf('}');
        if (!text.startsWith("{") || close < 0) {
            throw new IllegalArgumentException("syntax error: unexpected input in " + logql);
        }
        List<String[]> matchers = new ArrayList<>();
        for (String part : text.substring(1, close).split(",(?=\\s*[a-zA-Z_])")) {
            Matcher mm = MATCHER.matcher(part);
            if (!mm.matches()) {
                throw new IllegalArgumentException("syntax error: bad matcher " + part);
            }
            matchers.add(new String[] {mm.group(1), mm.group(2), unescape(mm.group(3))});
        }
        if (matchers.stream().allMatch(x -> x[1].equals("=~") && ".*".equals(x[2]) || x[2].isEmpty())) {
            throw new IllegalArgumentException("queries require at least one regexp or equality matcher that does not"
                    + " have an empty-compatible value");
        }
        List<String[]> filters = new ArrayList<>();
        String unwrap = null;
        String rest = text.substring(close + 1);
        Matcher st = STAGE.matcher(rest);
        int at = 0;
        while (at < rest.length() && !rest.substring(at).isBlank()) {
            if (!st.find(at) || st.start() != at || unwrap != null) {
                throw new IllegalArgumentException("syntax error: unexpected " + rest.substring(at).strip());
            }
            if (st.group(1) != null) {
                unwrap = st.group(1);
            } else {
                filters.add(new String[] {st.group(2), st.group(3), unescape(st.group(4))});
            }
            at = st.end();
        }
        return new Query(matchers, filters, unwrap);
    }

    private static String unescape(String s) {
        return s.replace("\\\\", "\\").replace("\\\"", "\"");
    }

    /**
     * A metric query at one instant: {@code sum [by (..)] (X)}, {@code A / B} (series with equal labels), and the
     * range aggregations count_over_time, sum/avg/max/min/quantile_over_time with {@code | unwrap} and an optional
     * {@code by (..)} (Loki's unwrapped range aggregations; lines whose unwrapped value is not a number are dropped
     * here, where Loki would label them __error__). Without a grouping, a series per distinct stream labels plus
     * structured metadata, as Loki 3 does.
     */
    private Map<Map<String, String>, Double> evaluate(String expr, Instant at) {
        String e = strip(expr);
        int slash = topLevel(e, '/');
        if (slash >= 0) {
            Map<Map<String, String>, Double> a = evaluate(e.substring(0, slash), at);
            Map<Map<String, String>, Double> b = evaluate(e.substring(slash + 1), at);
            Map<Map<String, String>, Double> out = new LinkedHashMap<>();
            a.forEach((k, v) -> {
                if (b.containsKey(k)) {
                    out.put(k, v / b.get(k));
                }
            });
            return out;
        }
        Matcher sum = SUM.matcher(e);
        if (sum.matches()) {
            List<String> by = sum.group(1) == null ? List.of() : labels(sum.group(1));
            Map<Map<String, String>, Double> out = new LinkedHashMap<>();
            evaluate(sum.group(2), at).forEach((k, v) -> out.merge(pick(k, by), v, Double::sum));
            return out;
        }
        Matcher fn = RANGE_FN.matcher(e);
        if (!fn.matches()) {
            throw new IllegalArgumentException("syntax error: unsupported metric query " + expr);
        }
        String args = fn.group(2);
        double quantile = 0;
        if (fn.group(1).equals("quantile_over_time")) {
            Matcher q = QUANTILE.matcher(args);
            if (!q.matches()) {
                throw new IllegalArgumentException("syntax error: quantile_over_time needs a quantile first");
            }
            quantile = Double.parseDouble(q.group(1));
            args = q.group(2);
        }
        Query q = parse(args);
        boolean counting = fn.group(1).equals("count_over_time");
        if (counting == (q.unwrap() != null)) {
            throw new IllegalArgumentException("syntax error: " + fn.group(1) + (counting ? " takes no unwrap" : " needs | unwrap"));
        }
        java.time.Duration range = dev.migrate.settings.Values.duration(fn.group(3));
        if (range == null) {
            throw new IllegalArgumentException("syntax error: bad range [" + fn.group(3) + "]");
        }
        List<String> by = fn.group(4) == null ? null : labels(fn.group(4));
        Map<Map<String, String>, List<Double>> values = new LinkedHashMap<>();
        for (Line l : select(q, at.minus(range), at)) {
            Map<String, String> all = new TreeMap<>(l.stream());
            all.putAll(l.metadata());
            double v = 1;
            if (!counting) {
                try {
                    v = Double.parseDouble(all.getOrDefault(q.unwrap(), ""));
                } catch (NumberFormatException notANumber) {
                    continue;
                }
            }
            values.computeIfAbsent(by == null ? all : pick(all, by), k -> new ArrayList<>()).add(v);
        }
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        double phi = quantile;
        values.forEach((k, vs) -> out.put(k, switch (fn.group(1)) {
            case "count_over_time" -> (double) vs.size();
            case "sum_over_time" -> vs.stream().mapToDouble(Double::doubleValue).sum();
            case "avg_over_time" -> vs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            case "max_over_time" -> vs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            case "min_over_time" -> vs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            default -> quantile(vs, phi);
        }));
        return out;
    }

    /** Prometheus' (and Loki's) quantile: linear interpolation between the closest ranks. */
    private static double quantile(List<Double> vs, double phi) {
        List<Double> sorted = new ArrayList<>(vs);
        sorted.sort(null);
        double rank = phi * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    private static Map<String, String> pick(Map<String, String> all, List<String> by) {
        Map<String, String> out = new TreeMap<>();
        for (String b : by) {
            String v = all.getOrDefault(b, "");
            if (!v.isEmpty()) {
                out.put(b, v);
            }
        }
        return out;
    }

    private static List<String> labels(String list) {
        return dev.migrate.settings.Values.list(list);
    }

    private static String strip(String e) {
        String s = e.strip();
        while (s.startsWith("(") && matching(s, 0) == s.length() - 1) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static int matching(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && s.charAt(i - 1) != '\\') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int topLevel(String s, char op) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '{' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == '}' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == op) {
                return i;
            }
        }
        return -1;
    }

    private List<Line> select(Query q, Instant start, Instant end) {
        synchronized (lines) {
            return lines.stream().filter(l -> !l.at().isBefore(start) && !l.at().isAfter(end)).filter(q::matches).toList();
        }
    }

    private Reply streams(Query q, Instant start, Instant end, int limit, boolean categorize) {
        Map<Map<String, String>, List<Line>> byStream = new LinkedHashMap<>();
        List<Line> hits = new ArrayList<>(select(q, start, end));
        hits.sort((a, b) -> b.at().compareTo(a.at())); // direction=backward
        for (Line l : hits.subList(0, Math.min(limit, hits.size()))) {
            Map<String, String> key = new TreeMap<>(l.stream());
            if (!categorize) {
                key.putAll(l.metadata());
            }
            byStream.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
        }
        StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[");
        boolean first = true;
        for (Map.Entry<Map<String, String>, List<Line>> s : byStream.entrySet()) {
            sb.append(first ? "" : ",").append("{\"stream\":").append(json(s.getKey())).append(",\"values\":[");
            first = false;
            for (int i = 0; i < s.getValue().size(); i++) {
                Line l = s.getValue().get(i);
                sb.append(i == 0 ? "" : ",").append("[\"").append(nanos(l.at())).append("\",").append(str(l.line()));
                if (categorize) {
                    sb.append(",{\"structuredMetadata\":").append(json(l.metadata())).append(",\"parsed\":{}}");
                }
                sb.append(']');
            }
            sb.append("]}");
        }
        sb.append("],\"stats\":{}}").append(categorize ? ",\"encodingFlags\":[\"categorize-labels\"]" : "").append('}');
        return Reply.json(sb.toString());
    }

    private static Reply metric(Map<Map<String, String>, Double> series, Instant at) {
        StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
        boolean first = true;
        for (Map.Entry<Map<String, String>, Double> c : series.entrySet()) {
            double v = c.getValue();
            String value = v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
            sb.append(first ? "" : ",").append("{\"metric\":").append(json(c.getKey())).append(",\"values\":[[")
                    .append(at.getEpochSecond()).append(",\"").append(value).append("\"]]}");
            first = false;
        }
        return Reply.json(sb.append("],\"stats\":{}}}").toString());
    }

    private static String json(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(m).forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(str(k)).append(':').append(str(v)));
        return sb.append('}').toString();
    }

    private static String str(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Instant nanos(String text) {
        if (text == null) {
            return Instant.now();
        }
        long n = Long.parseLong(text);
        return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
    }

    private static String nanos(Instant t) {
        return Long.toString(t.getEpochSecond() * 1_000_000_000L + t.getNano());
    }

    @Override
    public void close() {
        server.close();
    }
}
