package dev.migrate.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.endpoints.EndpointException.Kind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link PrometheusApi} over Prometheus' HTTP API v1 (prometheus.io/docs/prometheus/latest/querying/api/):
 * every answer is {@code {"status":"success"|"error","data":...,"errorType":...,"error":...}}.
 */
public final class PrometheusHttp implements PrometheusApi {
    private final HttpEndpoint http;

    public PrometheusHttp(HttpEndpoint http) {
        this.http = http;
    }

    public HttpEndpoint endpoint() {
        return http;
    }

    @Override
    public List<Sample> query(String promql, Instant at) {
        JsonNode data = data("/api/v1/query", "query", promql, "time", Timestamps.seconds(at));
        String type = data.path("resultType").asText();
        List<Sample> out = new ArrayList<>();
        switch (type) {
            case "vector" -> {
                for (JsonNode r : data.path("result")) {
                    JsonNode v = r.path("value");
                    out.add(new Sample(labels(r.path("metric")), Timestamps.fromSeconds(v.path(0).asDouble()),
                            number(v.path(1))));
                }
            }
            case "scalar" -> {
                JsonNode v = data.path("result");
                out.add(new Sample(Map.of(), Timestamps.fromSeconds(v.path(0).asDouble()), number(v.path(1))));
            }
            default -> throw bad("/api/v1/query", "an instant query returned resultType '" + type
                    + "' (expected vector or scalar)");
        }
        return out;
    }

    @Override
    public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) {
        JsonNode data = data("/api/v1/query_range", "query", promql, "start", Timestamps.seconds(start),
                "end", Timestamps.seconds(end), "step", Double.toString(Math.max(step.toMillis(), 1) / 1000.0));
        if (!"matrix".equals(data.path("resultType").asText())) {
            throw bad("/api/v1/query_range", "a range query returned resultType '" + data.path("resultType").asText()
                    + "' (expected matrix)");
        }
        return matrix(data.path("result"));
    }

    /** A "matrix" result (Prometheus and Loki metric queries share the shape). */
    static List<Series> matrix(JsonNode result) {
        List<Series> out = new ArrayList<>();
        for (JsonNode r : result) {
            List<Point> points = new ArrayList<>();
            for (JsonNode v : r.path("values")) {
                points.add(new Point(Timestamps.fromSeconds(v.path(0).asDouble()), number(v.path(1))));
            }
            out.add(new Series(labels(r.path("metric")), points));
        }
        return out;
    }

    @Override
    public List<String> labelValues(String label, String matchSelector, Instant start, Instant end) {
        JsonNode data = data("/api/v1/label/" + label + "/values", "match[]", matchSelector,
                "start", Timestamps.seconds(start), "end", Timestamps.seconds(end));
        List<String> out = new ArrayList<>();
        data.forEach(v -> out.add(v.asText()));
        return out;
    }

    @Override
    public List<Target> activeTargets() {
        JsonNode data = data("/api/v1/targets", "state", "active");
        List<Target> out = new ArrayList<>();
        for (JsonNode t : data.path("activeTargets")) {
            out.add(new Target(labels(t.path("labels")), t.path("health").asText("unknown"),
                    t.path("lastError").asText(""), t.path("scrapeUrl").asText("")));
        }
        return out;
    }

    @Override
    public List<RuleGroup> ruleGroups() {
        JsonNode data = data("/api/v1/rules");
        List<RuleGroup> out = new ArrayList<>();
        for (JsonNode g : data.path("groups")) {
            List<String> rules = new ArrayList<>();
            g.path("rules").forEach(r -> rules.add(r.path("name").asText()));
            out.add(new RuleGroup(g.path("name").asText(), g.path("file").asText(""), rules));
        }
        return out;
    }

    @Override
    public java.util.Optional<String> parseError(String promql) {
        try {
            data("/api/v1/format_query", "query", promql);
            return java.util.Optional.empty();
        } catch (EndpointException e) {
            if (e.kind() != Kind.BAD_REQUEST && e.kind() != Kind.API_ERROR) {
                throw e;
            }
            // Prometheus answers 400 {errorType: bad_data, error: "1:42: parse error: ..."}; keep its words.
            return java.util.Optional.of(e.getMessage().replaceFirst("^.*?(answered HTTP 400|answered status error): ", ""));
        }
    }

    @Override
    public List<String> scrapePools() {
        List<String> out = new ArrayList<>();
        data("/api/v1/scrape_pools").path("scrapePools").forEach(p -> out.add(p.asText()));
        return out;
    }

    /** GET and unwrap the envelope: {@code data} of a success, else API_ERROR with errorType and error. */
    private JsonNode data(String path, String... query) {
        JsonNode root = http.getJson(path, query);
        String status = root.path("status").asText();
        if ("error".equals(status)) {
            throw new EndpointException(Kind.API_ERROR, http.where(path), "Prometheus answered status"
                    + " error: " + root.path("errorType").asText("unknown") + ": " + root.path("error").asText(""));
        }
        if (!"success".equals(status) || !root.has("data")) {
            throw bad(path, "the answer is JSON but not Prometheus' API envelope (no status/data): "
                    + HttpEndpoint.snippet(root.toString()));
        }
        return root.get("data");
    }

    private EndpointException bad(String path, String what) {
        return new EndpointException(Kind.BAD_RESPONSE, http.where(path), "Prometheus: " + what);
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static double number(JsonNode v) {
        try {
            return Timestamps.value(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
