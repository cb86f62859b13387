package dev.migrate.testsupport;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cilium LB IPAM as the homelab world plays it (cilium-operator is not built here: see
 * {@link HomelabWorld}): for every LoadBalancer Service, the address it asks for
 * ({@code lbipam.cilium.io/ips}, or the older {@code io.cilium/lb-ipam-ips}) or else the first
 * free one of the CiliumLoadBalancerIPPools' blocks; the outcome in the Service's status as Cilium
 * writes it (ingress IP, condition {@code cilium.io/IPAMRequestSatisfied} True/satisfied, or False
 * with reason {@code already_allocated}, {@code no_pool} or {@code out_of_ips}); and, for an
 * assigned address, the L2 announcement Lease {@code cilium-l2announce-<ns>-<svc>} the Cilium agent
 * would hold. Polls every 300 ms.
 */
final class LbIpam implements AutoCloseable {
    static final String CONDITION = "cilium.io/IPAMRequestSatisfied";
    private final KubernetesClient client;
    private final ControllerLoop loop;

    LbIpam(KubernetesClient client) {
        this.client = client;
        loop = new ControllerLoop("lb-ipam", this::tick);
    }

    private synchronized void tick() {
        List<long[]> blocks = new ArrayList<>();
        for (GenericKubernetesResource pool : client.genericKubernetesResources(HomelabWorld.POOL).list().getItems()) {
            Object spec = pool.getAdditionalProperties().get("spec");
            if (spec instanceof Map<?, ?> m && m.get("blocks") instanceof List<?> list) {
                for (Object b : list) {
                    if (b instanceof Map<?, ?> block && block.get("start") != null) {
                        blocks.add(new long[]{ip(String.valueOf(block.get("start"))),
                                ip(String.valueOf(block.get("stop") == null ? block.get("start") : block.get("stop")))});
                    }
                }
            }
        }
        List<Service> services = client.services().inAnyNamespace().list().getItems().stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).toList();
        Map<String, String> held = new HashMap<>();
        for (Service s : services) {
            String ip = assigned(s);
            if (ip != null) {
                held.put(ip, id(s));
            }
        }
        for (Service s : services) {
            if (assigned(s) != null || failed(s)) {
                continue;
            }
            Map<String, String> annotations = s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
            String wanted = annotations.getOrDefault("lbipam.cilium.io/ips", annotations.get("io.cilium/lb-ipam-ips"));
            if (blocks.isEmpty()) {
                refuse(s, "no_pool", "There are no enabled CiliumLoadBalancerIPPools that match this service");
            } else if (wanted != null) {
                long w = ip(wanted.trim());
                if (blocks.stream().noneMatch(b -> w >= b[0] && w <= b[1])) {
                    refuse(s, "no_pool", "No pool found for the requested IP " + wanted.trim());
                } else if (held.containsKey(wanted.trim())) {
                    refuse(s, "already_allocated", "The IP " + wanted.trim() + " is already allocated to " + held.get(wanted.trim()));
                } else {
                    assign(s, wanted.trim());
                    held.put(wanted.trim(), id(s));
                }
            } else {
                String free = null;
                for (long[] b : blocks) {
                    for (long i = b[0]; i <= b[1] && free == null; i++) {
                        if (!held.containsKey(text(i))) {
                            free = text(i);
                        }
                    }
                }
                if (free == null) {
                    refuse(s, "out_of_ips", "No more IPs available in the pools");
                } else {
                    assign(s, free);
                    held.put(free, id(s));
                }
            }
        }
    }

    private static String id(Service s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    private static String assigned(Service s) {
        var lb = s.getStatus() == null ? null : s.getStatus().getLoadBalancer();
        return lb == null || lb.getIngress() == null || lb.getIngress().isEmpty() ? null : lb.getIngress().get(0).getIp();
    }

    /** Refused for the Service as it is now; a changed Service (a new generation) is judged again, as Cilium does. */
    private static boolean failed(Service s) {
        return s.getStatus() != null && s.getStatus().getConditions() != null && s.getStatus().getConditions().stream()
                .anyMatch(c -> CONDITION.equals(c.getType()) && "False".equals(c.getStatus())
                        && java.util.Objects.equals(c.getObservedGeneration(), s.getMetadata().getGeneration()));
    }

    private void assign(Service s, String ip) {
        client.services().inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName()).editStatus(x -> {
            x.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().addNewIngress().withIp(ip).endIngress().endLoadBalancer()
                    .addNewCondition().withType(CONDITION).withStatus("True").withReason("satisfied").withMessage("")
                    .withObservedGeneration(s.getMetadata().getGeneration()).withLastTransitionTime(Instant.now().toString())
                    .endCondition().build());
            return x;
        });
        String lease = "cilium-l2announce-" + s.getMetadata().getNamespace() + "-" + s.getMetadata().getName();
        if (client.leases().inNamespace("kube-system").withName(lease).get() == null) {
            client.leases().inNamespace("kube-system").resource(new LeaseBuilder().withNewMetadata().withName(lease).endMetadata()
                    .withNewSpec().withHolderIdentity(HomelabWorld.NODE).withLeaseDurationSeconds(15).endSpec().build()).create();
        }
    }

    private void refuse(Service s, String reason, String message) {
        client.services().inNamespace(s.getMetadata().getNamespace()).withName(s.getMetadata().getName()).editStatus(x -> {
            x.setStatus(new ServiceStatusBuilder().withNewLoadBalancer().endLoadBalancer()
                    .addNewCondition().withType(CONDITION).withStatus("False").withReason(reason).withMessage(message)
                    .withObservedGeneration(s.getMetadata().getGeneration()).withLastTransitionTime(Instant.now().toString())
                    .endCondition().build());
            return x;
        });
    }

    private static long ip(String text) {
        String[] p = text.split("\\.");
        if (p.length != 4) {
            return -1;
        }
        long v = 0;
        for (String part : p) {
            v = v * 256 + Long.parseLong(part);
        }
        return v;
    }

    private static String text(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    @Override
    public void close() {
        loop.close();
    }
}
