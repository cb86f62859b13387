package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;

/** The kubeconfig context was named by --context or migrate.yaml, never taken from current-context. */
public final class ContextNamedCheck implements PreflightCheck {
    @Override
    public String name() {
        return "context";
    }

    @Override
    public String description() {
        return "kubeconfig context named explicitly (never the current-context)";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String named = ctx.settings().context().orElse("");
        if (named.isEmpty()) {
            return CheckResult.fail(name(), "no context in the settings",
                    "the kubeconfig's current-context may point at another cluster (a work cluster)",
                    "pass --context or set context: in migrate.yaml");
        }
        if (!named.equals(ctx.cluster().context())) {
            return CheckResult.fail(name(), "settings name context " + named + " but the client uses "
                    + ctx.cluster().context(), "the cluster connection was built from other settings",
                    "build the cluster from the same settings (ClusterFactory.connect)");
        }
        return CheckResult.pass(name(), "context " + named + ", server " + ctx.cluster().serverUrl()
                + ", kubeconfig " + ctx.settings().kubeconfig().map(Object::toString).orElse("(none)"));
    }
}
