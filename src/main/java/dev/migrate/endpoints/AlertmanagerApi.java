package dev.migrate.endpoints;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The slice of Alertmanager's API v2 verify uses. Throws {@link EndpointException} for odd answers. */
public interface AlertmanagerApi {
    /** POST /api/v2/alerts. */
    void post(List<Alert> alerts);

    /** GET /api/v2/alerts with one {@code filter=name="value"} per entry. */
    List<Alert> alerts(Map<String, String> equalFilters);

    /** @param state "active", "suppressed" or "unprocessed" (empty when posting) */
    record Alert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt, Instant endsAt,
                 String state) {
    }
}
