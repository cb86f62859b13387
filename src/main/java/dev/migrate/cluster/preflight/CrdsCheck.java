package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The ServiceMonitor and PrometheusRule CRDs (prometheus-operator) are installed. */
public final class CrdsCheck implements PreflightCheck {
    static final List<String> REQUIRED = List.of("servicemonitors.monitoring.coreos.com",
            "prometheusrules.monitoring.coreos.com");
    static final String GROUP_VERSION = "monitoring.coreos.com/v1";

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
        // One discovery answer names every resource the group serves; a CRD is asked for by name only
        // when discovery does not list it (not installed, or a server without discovery), for the message.
        Set<String> served = ctx.cluster().servedResources(GROUP_VERSION);
        for (String crd : REQUIRED) {
            if (!served.contains(crd.substring(0, crd.indexOf('.'))) && !ctx.cluster().crdExists(crd)) {
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
