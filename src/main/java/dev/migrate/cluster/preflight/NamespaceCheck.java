package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;

/** The target namespace exists: deploy never creates it (it belongs to kube-prometheus-stack and Loki). */
public final class NamespaceCheck implements PreflightCheck {
    @Override
    public String name() {
        return "namespace";
    }

    @Override
    public String description() {
        return "the namespace exists";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String ns = ctx.settings().namespace();
        if (ctx.cluster().namespaceExists(ns)) {
            return CheckResult.pass(name(), "namespace " + ns + " exists");
        }
        return CheckResult.fail(name(), "namespace " + ns + " not found",
                "kube-prometheus-stack and Loki are not installed in " + ns + ", or the namespace setting is wrong",
                "pass --namespace with the namespace of kube-prometheus-stack and Loki, or install them first");
    }
}
