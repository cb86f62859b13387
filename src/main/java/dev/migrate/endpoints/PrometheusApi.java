package dev.migrate.endpoints;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The slice of the Prometheus HTTP API (v1) that verify and soak read. Every method throws
 * {@link EndpointException} for anything but a {@code status: success} answer.
 */
public interface PrometheusApi {
    /** GET /api/v1/query: an instant vector (a scalar result comes back as one sample with no labels). */
    List<Sample> query(String promql, Instant at);

    /** GET /api/v1/query_range: a matrix. */
    List<Series> queryRange(String promql, Instant start, Instant end, Duration step);

    /** GET /api/v1/label/{label}/values with one match[] selector over a bounded window. */
    List<String> labelValues(String label, String matchSelector, Instant start, Instant end);

    /** GET /api/v1/targets?state=active. */
    List<Target> activeTargets();

    /** GET /api/v1/rules: the loaded rule groups. */
    List<RuleGroup> ruleGroups();

    /**
     * GET /api/v1/format_query: whether Prometheus' own parser accepts {@code promql}, without running it.
     *
     * @return the parse error (e.g. {@code bad_data: 1:42: parse error: unexpected character: '$'}), empty when it parses
     */
    java.util.Optional<String> parseError(String promql);

    /**
     * GET /api/v1/scrape_pools: the scrape jobs of the loaded configuration, with or without targets
     * (prometheus-operator names them serviceMonitor/NAMESPACE/NAME/ENDPOINT).
     */
    List<String> scrapePools();

    record Sample(Map<String, String> labels, Instant at, double value) {
    }

    record Series(Map<String, String> labels, List<Point> points) {
    }

    record Point(Instant at, double value) {
    }

    /**
     * @param labels    the target's labels after relabelling (job, instance, namespace, service ...)
     * @param health    "up", "down" or "unknown"
     * @param lastError the last scrape error, empty when none
     * @param scrapeUrl the URL Prometheus scrapes
     */
    record Target(Map<String, String> labels, String health, String lastError, String scrapeUrl) {
    }

    /** @param rules the names of the alerting and recording rules in the group */
    record RuleGroup(String name, String file, List<String> rules) {
    }
}
