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
            String operatorJob = "serviceMonitor/" + ctx.namespace() + "/" + job + "/";
            List<String> pools = scrapePools(ctx);
            if (pools.stream().anyMatch(p -> p.startsWith("serviceMonitor/")) && pools.stream().noneMatch(p -> p.startsWith(operatorJob))) {
                // Prometheus runs prometheus-operator's configuration, and the operator wrote no job for our ServiceMonitor.
                return fail("no active target with job=\"" + job + "\"; Prometheus's configuration has no job " + operatorJob + "0",
                        "prometheus-operator has not generated the scrape job for ServiceMonitor " + ctx.namespace() + "/" + job
                                + ": the operator is not running or has not reconciled since the deploy, or the Prometheus"
                                + " object's serviceMonitorSelector does not select the ServiceMonitor",
                        operatorFix("serviceMonitorSelector", "ServiceMonitor"));
            }
            return fail("no active target with job=\"" + job + "\"",
                    "Prometheus does not select the collector's ServiceMonitor (missing release label, ruleSelector/"
                            + "serviceMonitorSelector mismatch) or the Service is not named " + job,
                    "check the Prometheus object's serviceMonitorSelector and that the ServiceMonitor and Service are named "
                            + job + " in namespace " + ctx.namespace());
        }
        List<Target> down = targets.stream().filter(t -> "down".equals(t.health())).toList();
        List<Target> notYet = targets.stream().filter(t -> !"up".equals(t.health()) && !"down".equals(t.health())).toList();
        String observed = targets.stream().map(t -> t.scrapeUrl() + " " + t.health()
                        + (t.lastError().isEmpty() ? "" : " (" + t.lastError() + ")"))
                .collect(Collectors.joining("; "));
        if (down.isEmpty() && !notYet.isEmpty()) {
            // health "unknown": discovered (a new pod, a reloaded configuration) and not scraped yet
            return inconclusive(observed, "Prometheus has discovered " + notYet.get(0).scrapeUrl() + " but not scraped it yet",
                    "run verify again after one scrape interval (the ServiceMonitor's 15s)");
        }
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

    /** The loaded configuration's jobs; empty when this Prometheus does not say (before 2.42: no scrape_pools). */
    private static List<String> scrapePools(CheckContext ctx) {
        try {
            return ctx.prometheus().scrapePools();
        } catch (dev.migrate.endpoints.EndpointException older) {
            return List.of();
        }
    }

    /** How to tell whether prometheus-operator has acted on our {@code kind}, and whether its Prometheus selects it. */
    static String operatorFix(String selector, String kind) {
        return "check prometheus-operator is running and what it logged (kube-prometheus-stack: kubectl get deploy -A -l"
                + " app=kube-prometheus-stack-operator, then kubectl logs on it), and that the Prometheus object's " + selector
                + " matches the " + kind + "'s labels; right after a deploy the operator and the config reloader may need a"
                + " minute: run verify again";
    }
}
