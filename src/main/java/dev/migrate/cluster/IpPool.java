package dev.migrate.cluster;

import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CiliumLoadBalancerIPPool: its blocks are CIDRs or start/stop ranges ({@code spec.blocks}; the
 * older v2alpha1 field {@code spec.cidrs} is read too).
 */
public record IpPool(String name, List<Block> blocks, boolean disabled) {
    public static final String CRD = "ciliumloadbalancerippools.cilium.io";
    public static final String PLURAL = "ciliumloadbalancerippools";

    public IpPool {
        blocks = List.copyOf(blocks);
    }

    /** One block: either {@code cidr} or {@code start}/{@code stop} (stop may be empty: a single address). */
    public record Block(String cidr, String start, String stop) {
        public boolean covers(String ip) {
            if (Values.ipv4(ip) < 0) {
                return false;
            }
            if (!cidr.isEmpty()) {
                return Values.isCidr(cidr) && Values.cidrContains(cidr, ip);
            }
            if (Values.ipv4(start) < 0) {
                return false;
            }
            String last = stop.isEmpty() ? start : stop;
            return Values.ipv4(last) >= 0 && new Values.IpRange(start, last).contains(ip);
        }

        @Override
        public String toString() {
            return cidr.isEmpty() ? start + (stop.isEmpty() ? "" : "-" + stop) : cidr;
        }
    }

    public static IpPool fromTree(Map<String, Object> pool) {
        List<Block> blocks = new ArrayList<>();
        for (String field : List.of("blocks", "cidrs")) {
            for (Object b : Trees.list(pool, "spec", field)) {
                blocks.add(new Block(Trees.text(b, "cidr"), Trees.text(b, "start"), Trees.text(b, "stop")));
            }
        }
        return new IpPool(Trees.text(pool, "metadata", "name"), blocks,
                Boolean.parseBoolean(Trees.text(pool, "spec", "disabled")));
    }

    public boolean covers(String ip) {
        return !disabled && blocks.stream().anyMatch(b -> b.covers(ip));
    }
}
