package dev.migrate.cli;

import dev.migrate.UserError;
import dev.migrate.checks.Check;
import dev.migrate.checks.CheckCatalogue;
import dev.migrate.checks.CheckContext;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.CheckRunner;
import dev.migrate.checks.ClusterStatus;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;
import dev.migrate.checks.VerifyChecks;
import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.report.JUnitReport;
import dev.migrate.report.JsonReport;
import dev.migrate.report.RunReport;
import dev.migrate.report.TextReport;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** `migrate verify`: proves the homelab pipeline works, end to end, with evidence per check. */
@Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Prove the new pipeline works end to end: the VIP answers, a synthetic OTLP metric and log "
                + "record arrive in Prometheus and Loki, Claude Code's metrics and events are there under the "
                + "right names, the dashboard's queries run, the alert rules are loaded.",
                "Checks are declared in checks/verify.yaml and run concurrently, each with its own timeout. "
                        + "A check whose endpoint is not given is skipped, with the flag to give."},
        footer = {"", "Exit codes: 0 all passed, 1 a check failed, 3 nothing failed but something was inconclusive"
                + " (or nothing could be checked), 2 bad input."})
public final class VerifyCommand implements java.util.concurrent.Callable<Integer> {
    /**
     * The cluster edge, wired by Main/the cluster code (fabric8); null in builds without it. Kept as a
     * factory so verify never reaches for a kubeconfig unless a context is given.
     */
    public static volatile Function<Settings, ClusterStatus> clusterStatusFactory;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    EndpointOptions endpoints;
    @Mixin
    OutputOptions output;

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
    @Option(names = "--only", paramLabel = "CHECK", split = ",", description = "Run only these checks (comma-separated names).")
    List<String> only = new ArrayList<>();
    @Option(names = "--skip", paramLabel = "CHECK", split = ",", description = "Skip these checks (comma-separated names).")
    List<String> skip = new ArrayList<>();
    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE (for CI).")
    Path junit;
    @Option(names = "--test-alert", description = "Post a clearly labelled test alert to Alertmanager (expires in minutes) and read it back.")
    boolean testAlert;

    @Override
    public Integer call() {
        Settings settings = settingsOptions.load(kube, endpoints);
        Duration window = parseSince(since);
        if (!protocol.equals("grpc") && !protocol.equals("http/protobuf")) {
            throw new UserError("--protocol '" + protocol + "' is not supported; use grpc or http/protobuf");
        }
        List<Check> checks = VerifyChecks.select(VerifyChecks.of(CheckCatalogue.load(settings.checksDir(), VerifyChecks.FILE)),
                only, skip);
        if (junit != null && junit.toAbsolutePath().getParent() != null && !Files.isDirectory(junit.toAbsolutePath().getParent())) {
            throw new UserError("--junit " + junit + ": the directory " + junit.toAbsolutePath().getParent() + " does not exist");
        }
        CheckContext ctx = context(settings, window);

        Instant started = Instant.now();
        List<CheckResult> results = CheckRunner.run(checks, ctx);
        Instant finished = Instant.now();
        boolean nothingChecked = results.stream().allMatch(r -> r.status() == Status.SKIPPED);
        RunReport report = new RunReport("verify", started, finished,
                nothingChecked ? Outcome.INCONCLUSIVE : Outcome.of(results), results);

        Ledger ledger = new Ledger(settings.stateDir());
        Path reportFile = ledger.subdir("reports").resolve("verify-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started) + ".json");
        ledger.writePrivate(reportFile, JsonReport.render(report));
        if (junit != null) {
            try {
                Files.writeString(junit, JUnitReport.render(report), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UserError("--junit " + junit + ": cannot write (" + e.getMessage() + ")");
            }
        }
        System.out.print(output.json() ? JsonReport.render(report) : TextReport.render(report, TextReport.colourWanted()));
        if (nothingChecked && !output.json()) {
            System.out.println("nothing was checked: give --prometheus-url, --loki-url, --grafana-url or --alertmanager-url"
                    + " (or drop --skip/--only)");
        }
        Map<String, Integer> counts = report.counts();
        Map<String, String> details = new LinkedHashMap<>();
        counts.forEach((k, v) -> details.put("count." + k, Integer.toString(v)));
        results.forEach(r -> details.put("check." + r.name(), r.status().label()));
        details.put("since", Values.format(window));
        ledger.append(new StepRecord("verify", started, finished, settings.digest(), stepOutcome(report.outcome()),
                counts.get("pass") + " passed, " + counts.get("fail") + " failed, " + counts.get("inconclusive")
                        + " inconclusive, " + counts.get("skipped") + " skipped", reportFile.toString(), details));
        return report.outcome().exitCode();
    }

    static Duration parseSince(String text) {
        Duration d = Values.duration(text);
        if (d == null || d.isZero()) {
            throw new UserError("--since '" + text + "' is not a duration; give e.g. 15m, 1h or 1d");
        }
        if (d.compareTo(Duration.ofDays(7)) > 0) {
            throw new UserError("--since '" + text + "' is longer than 7d; verify looks at recent data, keep the window short");
        }
        return d;
    }

    private CheckContext context(Settings settings, Duration window) {
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
        Optional<ClusterStatus> cluster = Optional.empty();
        String clusterMissing;
        if (settings.context().isEmpty()) {
            clusterMissing = "needs the cluster: give --context (and --kubeconfig) to check the Deployment and Service";
        } else if (clusterStatusFactory == null) {
            clusterMissing = "cluster status is not available in this build";
        } else {
            clusterMissing = "";
            cluster = Optional.of(clusterStatusFactory.apply(settings));
        }
        Optional<Path> dashboardOverride = settings.dashboard();
        return new CheckContext(clients.prometheus().map(p -> p), clients.loki().map(l -> l),
                clients.grafana().map(g -> g), clients.alertmanager().map(a -> a),
                new CheckContext.Otlp(grpc, http, protocol), window, Clock.systemUTC(), testAlert, cluster, clusterMissing,
                settings.namespace(), vip, () -> ourDashboard(dashboardOverride),
                new CheckContext.DatasourceUids(settings.prometheusDatasourceUid(), settings.lokiDatasourceUid()),
                clients.flags());
    }

    /** Our dashboard JSON: the dashboard setting, else the bundled one, else none (then the live one is used). */
    static Optional<DataFiles.Loaded> ourDashboard(Optional<Path> override) {
        if (override.isPresent()) {
            return Optional.of(DataFiles.read(override, DASHBOARD, "dashboard"));
        }
        if (VerifyCommand.class.getClassLoader().getResource("bundled/" + DASHBOARD) == null) {
            return Optional.empty();
        }
        return Optional.of(DataFiles.read(Optional.empty(), DASHBOARD, "dashboard"));
    }

    static final String DASHBOARD = "manifests/dashboard/claude-code.json";

    private static String otlpUrl(String flag, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        return HttpEndpoint.parseUrl(flag, value).toString().replaceAll("/$", "");
    }

    private static String stepOutcome(Outcome outcome) {
        return switch (outcome) {
            case PASSED -> StepRecord.PASSED;
            case FAILED -> StepRecord.FAILED;
            case INCONCLUSIVE -> StepRecord.INCONCLUSIVE;
        };
    }
}
