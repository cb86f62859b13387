package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.Target;

import java.util.List;
import java.util.stream.Collectors;

/**
 * kind scrape-target: Prometheus scrapes the collector (every active target of {@code job} up: the built-in
 * ServiceMonitor gives two, the exporter on 8889 and the collector's own metrics on 8888). Fields: {@code job}.
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
}
