package dev.migrate.deploy;

import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.Condition;
import dev.migrate.cluster.ServiceLb;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Waits until the Service's {@code .status.loadBalancer.ingress} holds the VIP. While it does not,
 * surfaces Cilium LB IPAM's condition (cilium.io/IPAMRequestSatisfied, older
 * io.cilium/lb-ipam-request-satisfied) with a fix per reason; a definite refusal that persists for
 * {@link #REFUSAL_GRACE} fails without waiting out the whole timeout. Reports whether the L2
 * announcement Lease exists, since an assigned VIP nobody announces is unreachable from the LAN.
 */
public final class VipWaitStep {
    static final Duration REFUSAL_GRACE = Duration.ofSeconds(30);
    /** Our marker for "IPAM assigned some other address", which Cilium does when the request annotation is missing. */
    static final String WRONG_ADDRESS = "wrong_address";
    static final Map<String, String> FIXES = Map.of(
            "already_allocated", "another Service holds the VIP: choose a free --vip in the pool, or release it (kubectl get svc -A -o wide)",
            "no_pool", "no CiliumLoadBalancerIPPool covers the VIP: pick a --vip inside a pool or add a block covering it",
            "pool_selector_mismatch", "the pool covering the VIP has a serviceSelector that does not match the Service: relax the selector or label the Service to match",
            "out_of_ips", "the pool has no free address: free one or enlarge the pool");

    private final Cluster cluster;
    private final Poller poller;
    private final Clock clock;

    VipWaitStep(Cluster cluster, Poller poller, Clock clock) {
        this.cluster = cluster;
        this.poller = poller;
        this.clock = clock;
    }

    /** @param applied the Service as its apply was answered (empty: none): the first look, so a VIP already held needs no read */
    public CheckResult run(String namespace, String service, String vip, Instant deadline, Map<String, Object> applied) {
        String check = "vip " + vip;
        Instant[] refusedSince = {null};
        String[] lastReason = {""};
        AtomicReference<Map<String, Object>> first = new AtomicReference<>(applied.isEmpty() ? null : applied);
        return poller.poll("VIP " + vip + " on Service/" + namespace + "/" + service, deadline, () -> {
            Map<String, Object> given = first.getAndSet(null);
            Optional<ServiceLb> svc = (given != null ? Optional.of(given) : cluster.get("v1", "Service", namespace, service))
                    .map(ServiceLb::fromTree);
            if (svc.isEmpty()) {
                return Poller.Look.waiting("Service not found yet");
            }
            if (svc.get().ingressIps().contains(vip)) {
                boolean lease = cluster.l2AnnouncementLeaseExists(namespace, service);
                return Poller.Look.done(lease
                        ? CheckResult.pass(check, "assigned to " + svc.get().id() + "; L2 announcement Lease cilium-l2announce-"
                        + namespace + "-" + service + " exists")
                        : CheckResult.pass(check, "assigned to " + svc.get().id() + "; no L2 announcement Lease cilium-l2announce-"
                        + namespace + "-" + service + " yet (if clients cannot reach the VIP, check the CiliumL2AnnouncementPolicy)"));
            }
            Optional<Condition> ipam = svc.get().ipamCondition();
            String refusal = !svc.get().ingressIps().isEmpty() ? WRONG_ADDRESS
                    : ipam.filter(c -> "False".equals(c.status()) && FIXES.containsKey(c.reason())).map(Condition::reason).orElse("");
            if (!refusal.isEmpty()) {
                Instant now = clock.instant();
                if (!refusal.equals(lastReason[0])) {
                    lastReason[0] = refusal;
                    refusedSince[0] = now;
                }
                if (Duration.between(refusedSince[0], now).compareTo(REFUSAL_GRACE) >= 0) {
                    return Poller.Look.done(refusal.equals(WRONG_ADDRESS) ? wrongAddress(check, svc.get(), vip)
                            : refused(check, svc.get(), ipam.get()));
                }
            } else {
                lastReason[0] = "";
            }
            return Poller.Look.waiting(state(svc.get(), ipam));
        }, lastState -> timeout(check, namespace, service, vip, lastState));
    }

    private CheckResult refused(String check, ServiceLb svc, Condition ipam) {
        return CheckResult.fail(check, svc.id() + " has no VIP: " + ipam.type() + "=False reason " + ipam.reason()
                        + (ipam.message().isEmpty() ? "" : " (" + ipam.message() + ")"),
                "Cilium LB IPAM refused the request: " + ipam.reason(), FIXES.get(ipam.reason()));
    }

    private static CheckResult wrongAddress(String check, ServiceLb svc, String vip) {
        return CheckResult.fail(check, svc.id() + " got " + svc.ingressIps() + ", not " + vip,
                "LB IPAM assigned another address: the Service's lbipam.cilium.io/ips annotation is missing or was ignored",
                "check the Service carries lbipam.cilium.io/ips: " + vip + " (kubectl -n " + svc.namespace()
                        + " get svc " + svc.name() + " -o yaml), then re-run deploy");
    }

    private CheckResult timeout(String check, String namespace, String service, String vip, String lastState) {
        Optional<ServiceLb> svc = cluster.get("v1", "Service", namespace, service).map(ServiceLb::fromTree);
        Optional<Condition> ipam = svc.flatMap(ServiceLb::ipamCondition);
        if (ipam.isPresent() && FIXES.containsKey(ipam.get().reason())) {
            return refused(check, svc.get(), ipam.get());
        }
        return CheckResult.fail(check, "VIP " + vip + " not assigned before the timeout: " + lastState,
                "no LB IPAM controller answered (Cilium LB IPAM not enabled?) or it is still working",
                "kubectl -n " + namespace + " describe svc " + service + " and check Cilium's LB IPAM; then re-run deploy");
    }

    private static String state(ServiceLb svc, Optional<Condition> ipam) {
        String ingress = svc.ingressIps().isEmpty() ? "no ingress address yet" : "ingress " + svc.ingressIps();
        return ingress + ipam.map(c -> ", " + c.type() + "=" + c.status() + " reason " + c.reason()).orElse("");
    }
}
