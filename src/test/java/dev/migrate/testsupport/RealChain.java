package dev.migrate.testsupport;

import java.util.Map;

/**
 * The smallest real chain, with nothing sent yet: the real collector on the rendered config (plus
 * any {@code --set} a test gives), logs into a Loki double, scraped every second by a real
 * Prometheus 3 as job otel-collector (both ServiceMonitor endpoints), with the bundle's rules (or a
 * test's own) and optionally a real Alertmanager. For tests that assert exact numbers, where {@link PipelineWorld}'s own data
 * would be in the way.
 */
public final class RealChain implements AutoCloseable {
    public final LokiDouble loki = new LokiDouble();
    public final CollectorProcess collector;
    public final AlertmanagerProcess alertmanager;
    /** Replaced by {@link #startPrometheus()} after {@link #stopPrometheus()}: read it after a restart, not before. */
    public volatile PrometheusProcess prometheus;
    private final String[] prometheusArgs;

    private RealChain(String rules, boolean withAlertmanager, String... collectorSets) {
        this(rules, withAlertmanager, new String[0], collectorSets);
    }

    private RealChain(String rules, boolean withAlertmanager, String[] prometheusArgs, String... collectorSets) {
        this.prometheusArgs = prometheusArgs;
        collector = CollectorProcess.startBundle(loki.url() + "/otlp", collectorSets);
        AlertmanagerProcess am = null;
        try {
            am = withAlertmanager ? AlertmanagerProcess.start(AlertmanagerProcess.NULL_ROUTE) : null;
            prometheus = startPrometheus(rules, am);
        } catch (RuntimeException | AssertionError e) {
            // a half-started chain leaves no process behind
            if (am != null) {
                am.close();
            }
            collector.close();
            loki.close();
            throw e;
        }
        alertmanager = am;
    }

    private PrometheusProcess startPrometheus(String rules, AlertmanagerProcess alertmanager) {
        StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if (alertmanager != null) {
            config.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:")
                    .append(alertmanager.port()).append("']\n");
        }
        if (rules != null) {
            config.append("rule_files:\n  - ${DIR}/rules.yml\n");
        }
        config.append("scrape_configs:\n").append(PipelineWorld.collectorJob(collector));
        return PrometheusProcess.start(config.toString(), rules == null ? Map.of() : Map.of("rules.yml", rules), prometheusArgs);
    }

    /** Stops Prometheus as a pod's shutdown does (TERM); its TSDB, port and config stay for {@link #startPrometheus()}. */
    public void stopPrometheus() {
        prometheus.stopProcess();
    }

    /** Starts Prometheus again on the same TSDB, port and config (a restarted pod on its volume). */
    public void startPrometheus() {
        prometheus = prometheus.restart();
    }

    /**
     * Collector, Loki double and Prometheus 3 with the bundle's rules ({@link Rendered#bundle()}): most panels read
     * the recorded increments, so a chain without them would show empty panels.
     */
    public static RealChain start(String... collectorSets) {
        return new RealChain(Rendered.prometheusRules(Rendered.bundle()), false, collectorSets);
    }

    /** Waits for one evaluation of the recording rules, so the recorded panels include everything scraped so far. */
    public void awaitRecorded() {
        prometheus.awaitGroupEvaluated(DashboardPanels.RECORDING_GROUP, Rendered.WORLD_QUERY_OFFSET, java.time.Duration.ofSeconds(60));
    }

    /** The same with these rules loaded (no Alertmanager), Prometheus started with these extra flags. */
    public static RealChain withRules(String rules, String... prometheusArgs) {
        return new RealChain(rules, false, prometheusArgs, new String[0]);
    }

    /** The same with these rules loaded and alerts sent to a real Alertmanager. */
    public static RealChain withAlerts(String rules, String... collectorSets) {
        return new RealChain(rules, true, collectorSets);
    }

    /** A Claude Code client on this chain's collector. */
    public ClaudeCodeClient client(String protocol, String serviceName, String machine) {
        return new ClaudeCodeClient("grpc".equals(protocol) ? collector.grpcEndpoint() : collector.httpEndpoint(),
                protocol, serviceName, machine);
    }

    @Override
    public void close() {
        prometheus.close();
        if (alertmanager != null) {
            alertmanager.close();
        }
        collector.close();
        loki.close();
    }
}
