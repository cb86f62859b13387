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
 * <li>the same endpoint with {@code sum by (label) (count_over_time(<log query> [<range>]))}: a matrix.</li>
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

    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");
    private static final Pattern LOG_QUERY = Pattern.compile("\\s*\\{([^}]*)}((?:\\s*\\|\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*=\\s*\"[^\"]*\")*)\\s*");
    private static final Pattern PIPE = Pattern.compile("\\|\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern COUNT = Pattern.compile("\\s*sum by \\((\\w+)\\) \\(count_over_time\\((.*)\\[(\\w+)]\\)\\)\\s*");

    private final FakeHttpServer server = FakeHttpServer.start();
    private final List<Line> lines = Collections.synchronizedList(new ArrayList<>());
    private volatile String config = CONFIG;
    private volatile String requiredTenant;

    public LokiDouble() {
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

    /** A Claude Code event as Loki stores it after native OTLP ingestion (REFERENCE.md §5). */
    public void addEvent(String serviceName, String eventName, Instant at) {
        add(Map.of("service_name", serviceName), at, "claude_code." + eventName,
                Map.of("event_name", eventName, "session_id", "s-1", "machine_name", "laptop"));
    }

    private Reply queryRange(Recorded r) {
        if (requiredTenant != null && !requiredTenant.equals(r.header("X-Scope-OrgID"))) {
            return Reply.text(401, "no org id\n");
        }
        String query = r.param("query");
        Instant start = nanos(r.param("start"));
        Instant end = nanos(r.param("end"));
        Matcher count = COUNT.matcher(query);
        try {
            if (count.matches()) {
                return metric(count.group(1), parse(count.group(2)), end, start, end);
            }
            int limit = r.param("limit") == null ? 100 : Integer.parseInt(r.param("limit"));
            return streams(parse(query), start, end, limit, r.header("X-Loki-Response-Encoding-Flags") != null);
        } catch (IllegalArgumentException e) {
            return Reply.text(400, "parse error : " + e.getMessage());
        }
    }

    private record Query(List<String[]> matchers, Map<String, String> pipes) {
        boolean matches(Line l) {
            for (String[] m : matchers) {
                String v = l.stream().getOrDefault(m[0], "");
                boolean ok = switch (m[1]) {
                    case "=" -> v.equals(m[2]);
                    case "!=" -> !v.equals(m[2]);
                    default -> v.matches(m[2]);
                };
                if (!ok) {
                    return false;
                }
            }
            for (Map.Entry<String, String> p : pipes.entrySet()) {
                String v = l.metadata().getOrDefault(p.getKey(), l.stream().get(p.getKey()));
                if (!p.getValue().equals(v)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Query parse(String logql) {
        Matcher m = LOG_QUERY.matcher(logql);
        if (!m.matches()) {
            throw new IllegalArgumentException("syntax error: unexpected input in " + logql);
        }
        List<String[]> matchers = new ArrayList<>();
        for (String part : m.group(1).split(",(?=\\s*[a-zA-Z_])")) {
            Matcher mm = MATCHER.matcher(part);
            if (!mm.matches()) {
                throw new IllegalArgumentException("syntax error: bad matcher " + part);
            }
            matchers.add(new String[] {mm.group(1), mm.group(2), mm.group(3)});
        }
        if (matchers.stream().allMatch(x -> x[1].equals("=~") && ".*".equals(x[2]) || x[2].isEmpty())) {
            throw new IllegalArgumentException("queries require at least one regexp or equality matcher that does not"
                    + " have an empty-compatible value");
        }
        Map<String, String> pipes = new LinkedHashMap<>();
        Matcher p = PIPE.matcher(m.group(2));
        while (p.find()) {
            pipes.put(p.group(1), p.group(2));
        }
        return new Query(matchers, pipes);
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

    private Reply metric(String by, Query q, Instant at, Instant start, Instant end) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Line l : select(q, start, end)) {
            String v = l.metadata().getOrDefault(by, l.stream().getOrDefault(by, ""));
            counts.merge(v, 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
        boolean first = true;
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            Map<String, String> metric = c.getKey().isEmpty() ? Map.of() : Map.of(by, c.getKey());
            sb.append(first ? "" : ",").append("{\"metric\":").append(json(metric)).append(",\"values\":[[")
                    .append(at.getEpochSecond()).append(",\"").append(c.getValue()).append("\"]]}");
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
