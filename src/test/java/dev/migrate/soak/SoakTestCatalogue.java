package dev.migrate.soak;

import java.time.Duration;

/** A small analysis used by the soak tests: one PromQL check of each flavour plus the round trip. */
public final class SoakTestCatalogue {
    /** The collector's scrape target must be up; two misses tolerated. */
    public static final String COLLECTOR_UP = """
              - name: collector-up
                kind: promql
                query: up{job="otel-collector"}
                successCondition: result == 1
                failureCondition: result == 0
                noData: fail
                failureLimit: 2
                consecutiveErrorLimit: 3
            """;

    public static final String YAML = "checks:\n" + COLLECTOR_UP + """
              - name: data-flowing
                kind: promql
                chart: data-rate
                query: sum(rate(otelcol_receiver_accepted_metric_points_total[{{window}}]))
                successCondition: result > 0
                failureCondition: result == 0
                noData: inconclusive
                failureLimit: 2
              - name: exporter-not-failing
                kind: promql
                interval: 5m
                query: sum(increase(otelcol_exporter_send_failed_metric_points_total[{{window}}]))
                successCondition: result == 0
                failureCondition: result > 0
                noData: inconclusive
              - name: synthetic-round-trip
                kind: round-trip
                chart: round-trip
                successCondition: result < 30000
                noData: fail
                failureLimit: 1
            """;

    public static AnalysisCatalogue catalogue() {
        return AnalysisCatalogue.parse("test soak.yaml", YAML, Duration.ofSeconds(60), "monitoring");
    }

    private SoakTestCatalogue() {
    }
}
