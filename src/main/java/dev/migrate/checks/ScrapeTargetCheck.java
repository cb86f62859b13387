package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.Target;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * kind scrape-target: Prometheus scrapes the collector (every active target of {@code job} up: the built-in
 * ServiceMonitor gives two, the exporter on 8889 and the collector's own metrics on 8888). With the cluster
 * (--context), the ServiceMonitor's endpoint ports are also checked against the Service's port names: a
 * mismatch leaves that endpoint without a target. Fields: {@code job}.
 */
final class ScrapeTargetCheck extends SpecCheck {
    ScrapeTargetCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        String job = spec.text("job", "otel-collector");
        List<Target> targets = ctx.prometheus().activeTargets().stream()
                .filter(t -> job.equals(t.labels().get("job"))).toList();
        Optional<CheckResult> portMismatch = portMismatch(ctx, job, targets);
        if (portMismatch.isPresent()) {
            return portMismatch.get();
        }
        if (targets.isEmpty()) {
            return fail("no active target with job=\"" + job + "\"",
                    "Prometheus does not select the collector's ServiceMonitor (missing release label, ruleSelector/"
                            + "serviceMonitorSelector mismatch) or the Service is not named " + job,
                    "check the Prometheus object's serviceMonitorSelector and that the ServiceMonitor and Service are named "
                            + job + " in namespace " + ctx.namespace());
        }
        List<Target> down = targets.stream().filter(t -> !"up".equals(t.health())).toList();
        String observed = targets.stream().map(t -> t.scrapeUrl() + " " + t.health()
                        + (t.lastError().isEmpty() ? "" : " (" + t.lastError() + ")"))
                .collect(Collectors.joining("; "));
        if (!down.isEmpty()) {
            return fail(observed, "Prometheus cannot scrape the collector's metrics port: " + down.get(0).lastError(),
                    "check the collector pod is running and listens on 0.0.0.0:8889 (prometheus exporter) and 0.0.0.0:8888 "
                            + "(service.telemetry.metrics, the collector's own metrics); the failing target's port says which");
        }
        return pass(targets.size() + " target(s) up: " + observed);
    }

    /**
     * With the cluster at hand: a ServiceMonitor endpoint naming a port the Service does not have.
     * prometheus-operator still writes the job, keeping only endpoints on that port name, so Prometheus
     * discovers the collector and drops every target of that endpoint, with no error anywhere.
     */
    private Optional<CheckResult> portMismatch(CheckContext ctx, String job, List<Target> targets) {
        if (ctx.cluster().isEmpty()) {
            return Optional.empty();
        }
        Optional<ClusterStatus.MonitorPorts> ports;
        try {
            ports = ctx.cluster().get().monitorPorts(ctx.namespace(), job);
        } catch (RuntimeException e) {
            return Optional.empty(); // the objects cannot be read (RBAC, API server): judge by Prometheus alone
        }
        if (ports.isEmpty() || ports.get().unmatched().isEmpty()) {
            return Optional.empty();
        }
        List<String> unmatched = ports.get().unmatched();
        String monitor = "ServiceMonitor " + ctx.namespace() + "/" + job;
        return Optional.of(fail((targets.isEmpty() ? "no active target with job=\"" + job + "\""
                        : targets.size() + " active target(s) with job=\"" + job + "\"") + "; " + monitor
                        + " endpoint port(s) " + quoted(unmatched) + " match no port name of Service " + job + " "
                        + quoted(ports.get().servicePorts()),
                "the ServiceMonitor's endpoint port is a Service port's name; prometheus-operator keeps only the Service's "
                        + "endpoints on that name, so Prometheus drops the collector's targets",
                "set the endpoint port(s) of " + monitor + " to the Service's port names (the bundle scrapes 'prometheus' and "
                        + "'telemetry'), or run 'migrate deploy' to re-apply the bundle's ServiceMonitor"));
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", ", "[", "]"));
    }
}
