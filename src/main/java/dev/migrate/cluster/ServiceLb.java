package dev.migrate.cluster;

import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Service as LB IPAM sees it.
 *
 * @param requestedIps addresses asked for via {@code lbipam.cilium.io/ips} or the older {@code io.cilium/lb-ipam-ips}
 * @param ingressIps   {@code .status.loadBalancer.ingress[].ip}: what IPAM assigned
 * @param conditions   {@code .status.conditions}, where Cilium reports why it did not assign
 */
public record ServiceLb(String namespace, String name, String type, List<String> requestedIps, List<String> ingressIps,
                        List<Condition> conditions) {
    public static final String IPS_ANNOTATION = "lbipam.cilium.io/ips";
    public static final String OLD_IPS_ANNOTATION = "io.cilium/lb-ipam-ips";
    public static final String IPAM_CONDITION = "cilium.io/IPAMRequestSatisfied";
    public static final String OLD_IPAM_CONDITION = "io.cilium/lb-ipam-request-satisfied";

    public ServiceLb {
        requestedIps = List.copyOf(requestedIps);
        ingressIps = List.copyOf(ingressIps);
        conditions = List.copyOf(conditions);
    }

    public static ServiceLb fromTree(Map<String, Object> svc) {
        Map<String, String> annotations = Trees.strings(svc, "metadata", "annotations");
        List<String> requested = new ArrayList<>();
        for (String key : List.of(IPS_ANNOTATION, OLD_IPS_ANNOTATION)) {
            if (annotations.containsKey(key)) {
                requested.addAll(Values.list(annotations.get(key)));
            }
        }
        List<String> ingress = new ArrayList<>();
        for (Object entry : Trees.list(svc, "status", "loadBalancer", "ingress")) {
            String ip = Trees.text(entry, "ip");
            if (!ip.isEmpty()) {
                ingress.add(ip);
            }
        }
        return new ServiceLb(Trees.text(svc, "metadata", "namespace"), Trees.text(svc, "metadata", "name"),
                Trees.text(svc, "spec", "type"), requested, ingress, Trees.conditions(svc, "status", "conditions"));
    }

    public String id() {
        return namespace + "/" + name;
    }

    /** Cilium's IPAM condition, under its current or older type name. */
    public java.util.Optional<Condition> ipamCondition() {
        return conditions.stream().filter(c -> c.type().equals(IPAM_CONDITION) || c.type().equals(OLD_IPAM_CONDITION))
                .findFirst();
    }
}
