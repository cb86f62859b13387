package dev.migrate.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.endpoints.EndpointException.Kind;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link LokiApi} over Loki's HTTP API (grafana.com/docs/loki/latest/reference/loki-http-api/).
 * Log queries ask for categorized labels ({@code X-Loki-Response-Encoding-Flags: categorize-labels},
 * Loki >= 2.9/3.x): each entry is then {@code [ns, line, {"structuredMetadata":{..},"parsed":{..}}]}.
 * An older Loki (or a proxy that drops the header) merges structured metadata into the stream
 * labels instead; then the stream labels are used as metadata too, so lookups by event_name work both ways.
 */
public final class LokiHttp implements LokiApi {
    static final String ENCODING_FLAGS = "X-Loki-Response-Encoding-Flags";
    private final HttpEndpoint http;

    /** @param http built with the X-Scope-OrgID header when Loki is multi-tenant (see {@link #tenantHeaders}) */
    public LokiHttp(HttpEndpoint http) {
        this.http = http;
    }

    /** The headers a Loki endpoint needs: categorize-labels, and the tenant when one is given. */
    public static Map<String, String> tenantHeaders(String tenant) {
        return HttpEndpoint.headers(ENCODING_FLAGS, "categorize-labels", "X-Scope-OrgID", tenant);
    }

    public HttpEndpoint endpoint() {
        return http;
    }

    @Override
    public List<Stream> queryRange(String logql, Instant start, Instant end, int limit) {
        JsonNode data = data(logql, start, end, "limit", Integer.toString(limit), "direction", "backward");
        String type = data.path("resultType").asText();
        if (!"streams".equals(type)) {
            throw bad("a log query returned resultType '" + type + "' (expected streams; is it a metric query?)");
        }
        List<Stream> out = new ArrayList<>();
        for (JsonNode s : data.path("result")) {
            Map<String, String> labels = PrometheusHttp.labels(s.path("stream"));
            List<Entry> entries = new ArrayList<>();
            for (JsonNode v : s.path("values")) {
                Map<String, String> metadata = new LinkedHashMap<>();
                JsonNode categories = v.path(2);
                if (categories.isObject()) {
                    metadata.putAll(PrometheusHttp.labels(categories.path("structuredMetadata")));
                    metadata.putAll(PrometheusHttp.labels(categories.path("parsed")));
                } else {
                    metadata.putAll(labels); // uncategorized answer: metadata is merged into the stream labels
                }
                entries.add(new Entry(Timestamps.fromNanos(v.path(0).asText("0")), v.path(1).asText(""), metadata));
            }
            out.add(new Stream(labels, entries));
        }
        return out;
    }

    @Override
    public List<PrometheusApi.Series> metricRange(String logql, Instant start, Instant end, Duration step) {
        JsonNode data = data(logql, start, end, "step", Math.max(step.toSeconds(), 1) + "s");
        String type = data.path("resultType").asText();
        if (!"matrix".equals(type)) {
            throw bad("a metric query returned resultType '" + type + "' (expected matrix; is it a log query?)");
        }
        return PrometheusHttp.matrix(data.path("result"));
    }

    @Override
    public String runningConfig() {
        return http.getText("/config");
    }

    private JsonNode data(String logql, Instant start, Instant end, String... extra) {
        String[] query = new String[6 + extra.length];
        query[0] = "query";
        query[1] = logql;
        query[2] = "start";
        query[3] = Timestamps.nanos(start);
        query[4] = "end";
        query[5] = Timestamps.nanos(end);
        System.arraycopy(extra, 0, query, 6, extra.length);
        JsonNode root = http.getJson("/loki/api/v1/query_range", query);
        String status = root.path("status").asText();
        if ("error".equals(status)) {
            throw new EndpointException(Kind.API_ERROR, http.where("/loki/api/v1/query_range"),
                    "Loki answered status error: " + root.path("error").asText(root.path("message").asText("")));
        }
        if (!"success".equals(status) || !root.has("data")) {
            throw bad("the answer is JSON but not Loki's query envelope (no status/data): "
                    + HttpEndpoint.snippet(root.toString()));
        }
        return root.get("data");
    }

    private EndpointException bad(String what) {
        return new EndpointException(Kind.BAD_RESPONSE, http.where("/loki/api/v1/query_range"), "Loki: " + what);
    }
}
