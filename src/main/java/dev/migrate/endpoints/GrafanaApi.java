package dev.migrate.endpoints;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/** The slice of Grafana's HTTP API verify reads. Throws {@link EndpointException} for odd answers; 404 is "absent". */
public interface GrafanaApi {
    /** GET /api/dashboards/uid/{uid}: the dashboard model, or empty when Grafana has no such dashboard. */
    Optional<JsonNode> dashboard(String uid);

    /** GET /api/datasources/uid/{uid}: the datasource, or empty when it does not exist. */
    Optional<Datasource> datasource(String uid);

    record Datasource(String uid, String name, String type) {
    }
}
