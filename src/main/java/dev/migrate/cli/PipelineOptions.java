package dev.migrate.cli;

import dev.migrate.UserError;
import dev.migrate.checks.Check;
import dev.migrate.checks.CheckContext;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.CheckRunner;
import dev.migrate.checks.ClusterStatus;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.CollectorStatus;
import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything verify's checks need to reach the new pipeline: the endpoints (and their credentials),
 * the collector's OTLP endpoints for the probe, and the window for "recent data". Shared by
 * `migrate verify` and by retire's last look at the pipeline, so both run the very same checks.
 */
public class PipelineOptions implements SettingsOptions.FlagSource {
    static final String DASHBOARD = "manifests/dashboard/claude-code.json";

    @Mixin
    EndpointOptions endpoints;

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Collector OTLP endpoint for the probe's --protocol (default: http://<vip>:4317 for grpc, :4318 for http/protobuf).")
    String otlpEndpoint;
    @Option(names = "--otlp-grpc-endpoint", paramLabel = "URL", description = "OTLP gRPC endpoint checked by vip-reachable (default: http://<vip>:4317).")
    String otlpGrpcEndpoint;
    @Option(names = "--otlp-http-endpoint", paramLabel = "URL", description = "OTLP HTTP endpoint checked by vip-reachable (default: http://<vip>:4318).")
    String otlpHttpEndpoint;
    @Option(names = "--protocol", paramLabel = "PROTO", defaultValue = "grpc",
            description = "OTLP protocol of the synthetic probe: grpc or http/protobuf (default: ${DEFAULT-VALUE}).")
    String protocol;
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "1h",
            description = "Window for 'recent data' checks, e.g. 15m, 1h, 1d (default: ${DEFAULT-VALUE}; at most 7d).")
    String since;

    @Override
    public void addFlags(Map<String, String> flags) {
        endpoints.addFlags(flags);
    }

    /** Checks the flags that need no network; call before anything else happens. */
    public Duration validate() {
        if (!protocol.equals("grpc") && !protocol.equals("http/protobuf")) {
            throw new UserError("--protocol '" + protocol + "' is not supported; use grpc or http/protobuf");
        }
        return parseSince(since);
    }

    /**
     * Runs {@code checks} concurrently against the pipeline. The kubeconfig is read only when a context
     * is named, and fabric8 sends nothing until the cluster check asks.
     */
    public List<CheckResult> run(Settings settings, List<? extends Check> checks, boolean testAlert) {
        Duration window = validate();
        try (Cluster cluster = settings.context().isPresent() ? ClusterFactory.connect(settings) : null) {
            return CheckRunner.run(checks, context(settings, window, Optional.ofNullable(cluster).map(CollectorStatus::new),
                    testAlert));
        }
    }

    static Duration parseSince(String text) {
        Duration d = Values.positiveDuration("--since", text);
        if (d.compareTo(Duration.ofDays(7)) > 0) {
            throw new UserError("--since '" + text + "' is longer than 7d; verify looks at recent data, keep the window short");
        }
        return d;
    }

    private CheckContext context(Settings settings, Duration window, Optional<ClusterStatus> cluster, boolean testAlert) {
        EndpointOptions.Clients clients = endpoints.clients(settings);
        String vip = settings.vip();
        String grpc = otlpUrl("--otlp-grpc-endpoint", otlpGrpcEndpoint, "http://" + vip + ":4317");
        String http = otlpUrl("--otlp-http-endpoint", otlpHttpEndpoint, "http://" + vip + ":4318");
        if (otlpEndpoint != null) {
            // The probe's endpoint; the other protocol's port is checked on the same host unless given.
            String chosen = otlpUrl("--otlp-endpoint", otlpEndpoint, null);
            String host = HttpEndpoint.parseUrl("--otlp-endpoint", otlpEndpoint).host();
            if (protocol.equals("grpc")) {
                grpc = otlpGrpcEndpoint == null ? chosen : grpc;
                http = otlpHttpEndpoint == null ? "http://" + host + ":4318" : http;
            } else {
                http = otlpHttpEndpoint == null ? chosen : http;
                grpc = otlpGrpcEndpoint == null ? "http://" + host + ":4317" : grpc;
            }
        }
        String clusterMissing = cluster.isPresent() ? ""
                : "needs the cluster: give --context (and --kubeconfig) to check the Deployment and Service";
        Optional<Path> dashboardOverride = settings.dashboard();
        return new CheckContext(clients.prometheus().map(p -> p), clients.loki().map(l -> l),
                clients.grafana().map(g -> g), clients.alertmanager().map(a -> a),
                new CheckContext.Otlp(grpc, http, protocol), window, Clock.systemUTC(), testAlert, cluster, clusterMissing,
                settings.namespace(), vip, () -> ourDashboard(dashboardOverride).map(d -> new DataFiles.Loaded(d.origin(),
                        dev.migrate.bundle.BundleRenderer.dashboardJson(settings, d.text()))),
                new CheckContext.DatasourceUids(settings.prometheusDatasourceUid(), settings.lokiDatasourceUid()),
                clients.flags(), settings.expectedMachines());
    }

    /** Our dashboard JSON: the dashboard setting, else the bundled one, else none (then the live one is used). */
    static Optional<DataFiles.Loaded> ourDashboard(Optional<Path> override) {
        if (override.isPresent()) {
            return Optional.of(DataFiles.read(override, DASHBOARD, "dashboard"));
        }
        if (PipelineOptions.class.getClassLoader().getResource("bundled/" + DASHBOARD) == null) {
            return Optional.empty();
        }
        return Optional.of(DataFiles.read(Optional.empty(), DASHBOARD, "dashboard"));
    }

    private static String otlpUrl(String flag, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        return HttpEndpoint.parseUrl(flag, value).toString().replaceAll("/$", "");
    }
}
