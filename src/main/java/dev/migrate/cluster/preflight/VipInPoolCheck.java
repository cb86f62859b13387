package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.cluster.IpPool;

import java.time.Duration;
import java.util.List;

/** When Cilium LB IPAM is installed, some enabled CiliumLoadBalancerIPPool block covers the VIP. */
public final class VipInPoolCheck implements PreflightCheck {
    static final String CRD = IpPool.CRD;

    @Override
    public String name() {
        return "vip-in-pool";
    }

    @Override
    public String description() {
        return "a CiliumLoadBalancerIPPool covers the VIP (when Cilium LB IPAM is installed)";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String vip = ctx.settings().vip();
        if (ctx.cluster().ipPoolVersion().isEmpty()) {
            return new CheckResult(name(), Status.SKIPPED, "CRD " + CRD + " not installed",
                    "this cluster does not use Cilium LB IPAM, so there is no pool to check", "", Duration.ZERO);
        }
        List<IpPool> pools = ctx.cluster().ipPools();
        for (IpPool pool : pools) {
            if (pool.covers(vip)) {
                return CheckResult.pass(name(), vip + " is inside pool " + pool.name() + " " + pool.blocks());
            }
        }
        String seen = pools.isEmpty() ? "no CiliumLoadBalancerIPPool exists"
                : "pools: " + String.join("; ", pools.stream().map(p -> p.name() + " " + p.blocks()
                + (p.disabled() ? " (disabled)" : "")).toList());
        return CheckResult.fail(name(), vip + " is in no enabled pool (" + seen + ")",
                "Cilium would answer no_pool and never assign the VIP",
                "pick a --vip inside a pool (settings lb-pool: " + ctx.settings().lbPool()
                        + "), or add a block covering " + vip + " to the pool");
    }
}
