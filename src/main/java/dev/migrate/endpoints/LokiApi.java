package dev.migrate.endpoints;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The slice of Loki's HTTP API that verify and soak read. Log selectors go through query_range
 * only: since Loki 3.2 an instant query with a log selector answers 400.
 */
public interface LokiApi {
    /** GET /loki/api/v1/query_range with a log query: the streams and their entries. */
    List<Stream> queryRange(String logql, Instant start, Instant end, int limit);

    /** GET /loki/api/v1/query_range with a metric query (count_over_time ...): one value per series. */
    List<PrometheusApi.Series> metricRange(String logql, Instant start, Instant end, java.time.Duration step);

    /** GET /config: Loki's running configuration as YAML text. */
    String runningConfig();

    /**
     * @param labels  the stream's index labels (service_name ...)
     * @param entries the log lines with their structured metadata
     */
    record Stream(Map<String, String> labels, List<Entry> entries) {
    }

    /** @param metadata structured metadata (event_name, session_id ...), dots already underscores */
    record Entry(Instant at, String line, Map<String, String> metadata) {
    }
}
