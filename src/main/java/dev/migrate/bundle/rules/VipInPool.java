package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;

import java.util.Optional;

/** The address the Service asks Cilium for lies inside the LB IPAM pool and is not already taken. */
public final class VipInPool extends NamedRule {
    public static final String NAME = "service.vip-in-pool";
    public static final String ANNOTATION = "lbipam.cilium.io/ips";
    /** Older Cilium releases read this one; accepted when reading a user's Service. */
    public static final String LEGACY_ANNOTATION = "io.cilium/lb-ipam-ips";

    public VipInPool() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        Optional<JsonNode> service = Parsed.object(bundle, "Service");
        JsonNode annotations = service.map(s -> s.path("metadata").path("annotations")).orElse(null);
        String vip = annotations == null ? "" : annotations.path(ANNOTATION).asText(annotations.path(LEGACY_ANNOTATION).asText(""));
        Values.IpRange pool = settings.lbPool();
        if (Values.ipv4(vip) < 0) {
            return CheckResult.fail(NAME, "Service annotation " + ANNOTATION + " is '" + vip + "'",
                    "Cilium would hand out any free address from the pool and clients would not know it",
                    "set --vip (or vip in migrate.yaml) to a free IPv4 address in " + pool);
        }
        if (!pool.contains(vip)) {
            return CheckResult.fail(NAME, "VIP " + vip + " is outside the pool " + pool,
                    "Cilium LB IPAM can only assign addresses from its pool: the Service would stay <pending> "
                            + "(condition reason no_pool)",
                    "choose a free address in " + pool + " with --vip, or set " + SettingKeys.LB_POOL.name()
                            + " to the pool the cluster really has");
        }
        if (settings.reservedIps().contains(vip)) {
            return CheckResult.fail(NAME, "VIP " + vip + " is reserved (" + SettingKeys.RESERVED_IPS.name() + ": "
                            + String.join(",", settings.reservedIps()) + ")",
                    "that address is already used on the homelab network (API VIP, a node, the gateway or another "
                            + "service); an ARP conflict would break both",
                    "choose another free address in " + pool + " with --vip");
        }
        return CheckResult.pass(NAME, "VIP " + vip + " in " + pool + ", not reserved");
    }
}
