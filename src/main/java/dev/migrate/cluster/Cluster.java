package dev.migrate.cluster;

import dev.migrate.bundle.ManifestObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster as the deploy step sees it: a few reads, one server-side apply, a few status reads.
 * Objects travel as JSON trees (maps, lists, scalars) so no fabric8 type leaks past this edge.
 * Every method throws {@link ClusterException} for an unreachable server, 401 or 403, naming the
 * server URL and context, never a credential.
 */
public interface Cluster extends AutoCloseable {
    /** The field manager every write uses, so ownership in managedFields reads "migrate". */
    String FIELD_MANAGER = "migrate";

    String serverUrl();

    String context();

    /** One object, or empty if it does not exist. {@code namespace} is null for cluster-scoped kinds. */
    Optional<Map<String, Object>> get(String apiVersion, String kind, String namespace, String name);

    /** Objects of a kind in a namespace (null: all namespaces, or cluster-scoped). */
    List<Map<String, Object>> list(String apiVersion, String kind, String namespace);

    default boolean namespaceExists(String namespace) {
        return get("v1", "Namespace", null, namespace).isPresent();
    }

    /** Whether a CustomResourceDefinition, e.g. servicemonitors.monitoring.coreos.com, is installed. */
    default boolean crdExists(String crdName) {
        return get("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, crdName).isPresent();
    }

    /**
     * The resources (plural names) the server serves at {@code groupVersion}, e.g. monitoring.coreos.com/v1,
     * from its discovery document: one small answer for every kind of a group, where a CRD is tens of
     * kilobytes of schema. Empty when the group version is not served, or the server answers no discovery.
     */
    Set<String> servedResources(String groupVersion);

    /** The live monitoring.coreos.com/v1 Prometheus objects in a namespace. */
    List<PrometheusSelectors> prometheuses(String namespace);

    /** Every Service in every namespace, with what LB IPAM was asked for and what it gave. */
    List<ServiceLb> services();

    /**
     * The version Cilium LB IPAM's pools are served at: v2 (newer Cilium) or v2alpha1 (older releases);
     * empty when the CRD is not installed. Discovery answers for v2; otherwise the CRD says what it serves.
     */
    default Optional<String> ipPoolVersion() {
        if (servedResources("cilium.io/v2").contains(IpPool.PLURAL)) {
            return Optional.of("v2");
        }
        Optional<Map<String, Object>> crd = get("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, IpPool.CRD);
        if (crd.isEmpty()) {
            return Optional.empty();
        }
        Set<String> served = new LinkedHashSet<>();
        for (Object v : Trees.list(crd.get(), "spec", "versions")) {
            if (!"false".equals(Trees.text(v, "served"))) {
                served.add(Trees.text(v, "name"));
            }
        }
        return Optional.of(served.contains("v2") || served.isEmpty() ? "v2" : "v2alpha1");
    }

    /** CiliumLoadBalancerIPPools at {@link #ipPoolVersion()}; empty when the CRD is not installed. */
    default List<IpPool> ipPools() {
        return ipPoolVersion().map(version -> list("cilium.io/" + version, "CiliumLoadBalancerIPPool", null).stream()
                .map(IpPool::fromTree).toList()).orElse(List.of());
    }

    /**
     * SelfSubjectRulesReview: every rule the current identity has in the namespace, in one request
     * (see {@link RulesReview} for when the list is incomplete).
     */
    RulesReview rulesReview(String namespace);

    /** SelfSubjectAccessReview: may the current identity do {@code verb} on group/resource in the namespace? */
    boolean canI(String verb, String group, String resource, String namespace);

    /**
     * GET {@code path} of a Service through the API server's service proxy
     * ({@code /api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH}), e.g. Loki's /config: no port-forward needed.
     */
    String serviceProxyGet(String namespace, String serviceAndPort, String path);

    /**
     * Server-side apply of one object with field manager {@link #FIELD_MANAGER}.
     *
     * @return the object as the server holds it after the apply (or would hold it, for a dry run)
     * @throws ApplyConflictException when another manager owns a field we set and {@code force} is off
     */
    Map<String, Object> apply(ManifestObject object, boolean force, boolean dryRun);

    /** The Deployment's rollout-relevant fields, or empty if it does not exist. */
    Optional<DeploymentStatus> deploymentStatus(String namespace, String name);

    /** Whether Cilium's L2 announcement Lease {@code cilium-l2announce-<ns>-<svc>} exists in kube-system. */
    boolean l2AnnouncementLeaseExists(String namespace, String service);

    /**
     * Where to say that a call met a server that is restarting or shedding load and will be sent
     * again (so a wait across an API server restart never looks like a hang); default: nowhere.
     */
    default void onUnavailable(java.util.function.Consumer<String> heartbeat) {
    }

    @Override
    void close();
}
