package dev.migrate.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.endpoints.EndpointException.Kind;

import java.util.Optional;

/**
 * {@link GrafanaApi} over Grafana's HTTP API (grafana.com/docs/grafana/latest/developers/http_api/):
 * {@code GET /api/dashboards/uid/:uid} answers {@code {"dashboard":{..},"meta":{..}}} or 404
 * {@code {"message":"Dashboard not found"}}; {@code GET /api/datasources/uid/:uid} answers the
 * datasource object or 404 {@code {"message":"Data source not found"}}.
 */
public final class GrafanaHttp implements GrafanaApi {
    private final HttpEndpoint http;

    public GrafanaHttp(HttpEndpoint http) {
        this.http = http;
    }

    @Override
    public Optional<JsonNode> dashboard(String uid) {
        return getOrAbsent("/api/dashboards/uid/" + uid).map(root -> {
            if (!root.path("dashboard").isObject()) {
                throw new EndpointException(Kind.BAD_RESPONSE, http.where("/api/dashboards/uid/" + uid),
                        "Grafana: the answer has no 'dashboard' object: " + HttpEndpoint.snippet(root.toString()));
            }
            return root.get("dashboard");
        });
    }

    @Override
    public Optional<Datasource> datasource(String uid) {
        return getOrAbsent("/api/datasources/uid/" + uid).map(root -> new Datasource(root.path("uid").asText(uid),
                root.path("name").asText(""), root.path("type").asText("")));
    }

    private Optional<JsonNode> getOrAbsent(String path) {
        try {
            return Optional.of(http.getJson(path));
        } catch (EndpointException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
