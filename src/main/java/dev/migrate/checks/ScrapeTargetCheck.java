package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.Target;

import java.util.List;
import java.util.stream.Collectors;

/** kind scrape-target: Prometheus scrapes the collector (active target {@code job} up). Fields: {@code job}. */
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
                    "check the collector pod is running and its prometheus exporter listens on 0.0.0.0:8889");
        }
        return pass(targets.size() + " target(s) up: " + observed);
    }
}
