package dev.migrate.checks;

/**
 * kind cluster (when a kube context is given): the collector Deployment is available, its pods did
 * not restart since the rollout, and its Service got the VIP. Fields: {@code maxRestarts} (0).
 */
final class ClusterCheck extends SpecCheck {
    ClusterCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        ClusterStatus.Collector c = ctx.clusterStatus().collector(ctx.namespace());
        int maxRestarts = spec.integer("maxRestarts", 0);
        if (!c.deploymentFound()) {
            return fail("no collector Deployment in namespace " + ctx.namespace(), "the collector is not deployed here",
                    "run 'migrate deploy' with the same --context and namespace");
        }
        String observed = c.readyReplicas() + "/" + c.desiredReplicas() + " ready, " + c.restarts() + " restart(s), "
                + "Service ingress " + c.ingressIp().orElse("(none)") + " (VIP " + ctx.vip() + ")";
        if (!c.available()) {
            return fail(observed, "the collector Deployment is not available", "look at 'kubectl -n " + ctx.namespace()
                    + " describe deploy otel-collector' and the pod logs (config error, OOM, image pull)");
        }
        if (c.restarts() > maxRestarts) {
            return fail(observed, "the collector restarted since the rollout (often OOMKilled: memory limit not above"
                    + " memory_limiter's limit_mib, or a crash on bad config)", "check 'kubectl -n " + ctx.namespace()
                    + " get pods -l app.kubernetes.io/name=otel-collector' and the previous container's log");
        }
        if (c.ingressIp().isEmpty() || !c.ingressIp().get().equals(ctx.vip())) {
            return fail(observed, "the Service did not get the VIP (Cilium LB IPAM: address taken, pool selector"
                    + " mismatch or no pool)", "read the Service's cilium.io/IPAMRequestSatisfied condition");
        }
        return pass(observed);
    }
}
