package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;

import java.util.ArrayList;
import java.util.List;

/** The ServiceMonitor and PrometheusRule CRDs (prometheus-operator) are installed. */
public final class CrdsCheck implements PreflightCheck {
    static final List<String> REQUIRED = List.of("servicemonitors.monitoring.coreos.com",
            "prometheusrules.monitoring.coreos.com");

    @Override
    public String name() {
        return "crds";
    }

    @Override
    public String description() {
        return "ServiceMonitor and PrometheusRule CRDs installed";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        List<String> missing = new ArrayList<>();
        for (String crd : REQUIRED) {
            if (!ctx.cluster().crdExists(crd)) {
                missing.add(crd);
            }
        }
        if (missing.isEmpty()) {
            return CheckResult.pass(name(), String.join(", ", REQUIRED) + " installed");
        }
        return CheckResult.fail(name(), "missing CRD " + String.join(", ", missing),
                "prometheus-operator (kube-prometheus-stack) is not installed on this cluster",
                "install kube-prometheus-stack (it brings the CRDs), or check --context names the homelab");
    }
}
