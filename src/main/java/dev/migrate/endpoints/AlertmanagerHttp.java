package dev.migrate.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.endpoints.EndpointException.Kind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link AlertmanagerApi} over Alertmanager's API v2 (prometheus/alertmanager api/v2/openapi.yaml):
 * POST /api/v2/alerts takes an array of postableAlert and answers 200 with an empty body; GET
 * /api/v2/alerts answers an array of gettableAlert ({labels, annotations, startsAt, endsAt,
 * status:{state}, fingerprint ...}).
 */
public final class AlertmanagerHttp implements AlertmanagerApi {
    private final HttpEndpoint http;

    public AlertmanagerHttp(HttpEndpoint http) {
        this.http = http;
    }

    @Override
    public void post(List<Alert> alerts) {
        List<Map<String, Object>> body = new ArrayList<>();
        for (Alert a : alerts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("labels", a.labels());
            m.put("annotations", a.annotations());
            m.put("startsAt", a.startsAt().toString());
            m.put("endsAt", a.endsAt().toString());
            m.put("generatorURL", "");
            body.add(m);
        }
        http.postJson("/api/v2/alerts", body);
    }

    @Override
    public List<Alert> alerts(Map<String, String> equalFilters) {
        String[] query = new String[equalFilters.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> f : equalFilters.entrySet()) {
            query[i++] = "filter";
            query[i++] = f.getKey() + "=\"" + f.getValue().replace("\"", "\\\"") + "\"";
        }
        JsonNode root = http.getJson("/api/v2/alerts", query);
        if (!root.isArray()) {
            throw new EndpointException(Kind.BAD_RESPONSE, http.where("/api/v2/alerts"),
                    "Alertmanager: expected a JSON array of alerts: " + HttpEndpoint.snippet(root.toString()));
        }
        List<Alert> out = new ArrayList<>();
        for (JsonNode a : root) {
            out.add(new Alert(PrometheusHttp.labels(a.path("labels")), PrometheusHttp.labels(a.path("annotations")),
                    instant(a.path("startsAt")), instant(a.path("endsAt")), a.path("status").path("state").asText("")));
        }
        return out;
    }

    private static Instant instant(JsonNode n) {
        try {
            return n.isTextual() ? java.time.OffsetDateTime.parse(n.asText()).toInstant() : Instant.EPOCH;
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
