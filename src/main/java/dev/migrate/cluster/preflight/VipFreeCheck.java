package dev.migrate.cluster.preflight;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.ServiceLb;

import java.util.ArrayList;
import java.util.List;

/**
 * No other Service requests the VIP (lbipam.cilium.io/ips or the older io.cilium/lb-ipam-ips) or
 * already holds it in .status.loadBalancer.ingress. Our own Service (a re-deploy) does not count.
 * Cilium cannot see a machine outside the cluster using the address; that stays the operator's job.
 */
public final class VipFreeCheck implements PreflightCheck {
    @Override
    public String name() {
        return "vip-free";
    }

    @Override
    public String description() {
        return "no other Service requests or holds the VIP";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String vip = ctx.settings().vip();
        List<String> ours = ctx.objectsOfKind("Service").stream().map(ManifestObject::id).toList();
        List<String> users = new ArrayList<>();
        int looked = 0;
        for (ServiceLb svc : ctx.cluster().services()) {
            if (ours.contains("Service/" + svc.id())) {
                continue;
            }
            looked++;
            if (svc.requestedIps().contains(vip)) {
                users.add(svc.id() + " requests it");
            } else if (svc.ingressIps().contains(vip)) {
                users.add(svc.id() + " holds it");
            }
        }
        if (users.isEmpty()) {
            return CheckResult.pass(name(), vip + " not requested or assigned by any of " + looked + " other Services");
        }
        return CheckResult.fail(name(), vip + " already used: " + String.join(", ", users),
                "two Services cannot share the VIP; Cilium would report already_allocated and never announce ours",
                "choose a free address in the pool with --vip (see kubectl get svc -A -o wide), or release it from "
                        + users.get(0).split(" ")[0]);
    }
}
