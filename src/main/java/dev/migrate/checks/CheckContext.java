package dev.migrate.checks;

import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.AlertmanagerApi;
import dev.migrate.endpoints.GrafanaApi;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything a check may need, each edge optional: a check that needs a missing one is skipped
 * with the flag to give ({@link Missing}). Built once per verify run by the command.
 *
 * @param prometheusApi   --prometheus-url
 * @param lokiApi         --loki-url
 * @param grafanaApi      --grafana-url
 * @param alertmanagerApi --alertmanager-url
 * @param otlp            where the synthetic probe and the TCP check go
 * @param since           the bounded window for "recent data" queries
 * @param clock           now
 * @param testAlert       --test-alert was given
 * @param cluster         the cluster edge, when a context is given and wired
 * @param clusterMissing  why the cluster edge is absent
 * @param namespace       namespace of the collector
 * @param vip             the Service address the collector must have
 * @param dashboards      our dashboard JSON (bundled or the dashboard setting), empty when there is none
 * @param datasourceUids  the Grafana datasource UIDs the dashboard needs: prometheus, loki
 * @param flags           endpoint base URL to the flag that set it, for fixes
 * @param expectedMachines machine names that should have sent data (setting expected-machines), empty: any
 */
public record CheckContext(Optional<PrometheusApi> prometheusApi, Optional<LokiApi> lokiApi,
                           Optional<GrafanaApi> grafanaApi, Optional<AlertmanagerApi> alertmanagerApi,
                           Otlp otlp, Duration since, Clock clock, boolean testAlert,
                           Optional<ClusterStatus> cluster, String clusterMissing, String namespace, String vip,
                           Supplier<Optional<DataFiles.Loaded>> dashboards, DatasourceUids datasourceUids,
                           Map<String, String> flags, List<String> expectedMachines) {

    public CheckContext {
        expectedMachines = List.copyOf(expectedMachines);
    }

    /** Without expected machines: the clients check then reports whichever machines sent data. */
    public CheckContext(Optional<PrometheusApi> prometheusApi, Optional<LokiApi> lokiApi,
                        Optional<GrafanaApi> grafanaApi, Optional<AlertmanagerApi> alertmanagerApi,
                        Otlp otlp, Duration since, Clock clock, boolean testAlert,
                        Optional<ClusterStatus> cluster, String clusterMissing, String namespace, String vip,
                        Supplier<Optional<DataFiles.Loaded>> dashboards, DatasourceUids datasourceUids,
                        Map<String, String> flags) {
        this(prometheusApi, lokiApi, grafanaApi, alertmanagerApi, otlp, since, clock, testAlert, cluster, clusterMissing,
                namespace, vip, dashboards, datasourceUids, flags, List.of());
    }

    /** @param protocol "grpc" or "http/protobuf" */
    public record Otlp(String grpcEndpoint, String httpEndpoint, String protocol) {
        public String probeEndpoint() {
            return "grpc".equals(protocol) ? grpcEndpoint : httpEndpoint;
        }
    }

    public record DatasourceUids(String prometheus, String loki) {
    }

    /** Thrown by a check whose input was not given: the runner reports it skipped with this reason. */
    public static final class Missing extends RuntimeException {
        public Missing(String why) {
            super(why, null, false, false);
        }
    }

    public PrometheusApi prometheus() {
        return prometheusApi.orElseThrow(() -> new Missing("needs Prometheus: give --prometheus-url"));
    }

    public LokiApi loki() {
        return lokiApi.orElseThrow(() -> new Missing("needs Loki: give --loki-url"));
    }

    public GrafanaApi grafana() {
        return grafanaApi.orElseThrow(() -> new Missing("needs Grafana: give --grafana-url"));
    }

    public AlertmanagerApi alertmanager() {
        return alertmanagerApi.orElseThrow(() -> new Missing("needs Alertmanager: give --alertmanager-url"));
    }

    public ClusterStatus clusterStatus() {
        return cluster.orElseThrow(() -> new Missing(clusterMissing));
    }

    /** The flag that set the endpoint a failure came from, e.g. "--prometheus-url", or "" when unknown. */
    public String flagFor(String url) {
        return flags.entrySet().stream().filter(e -> url != null && url.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse("");
    }
}
