package dev.migrate.cluster.preflight;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.DeploymentStatus;
import dev.migrate.cluster.PrometheusSelectors;
import dev.migrate.cluster.RulesReview;
import dev.migrate.cluster.ServiceLb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cluster as one preflight run reads it: each read is sent once and its answer reused by the
 * checks that ask again (the namespace is read by the namespace check and by prometheus-selects for
 * its labels; Cilium's discovery document by vip-in-pool and by the pool list that picks its
 * version). The checks run within a second, so an answer is as fresh for the second reader as for
 * the first. Writes, access reviews and the service proxy go
 * straight through; a read that failed is not kept, so the next check asks again and says so itself.
 * It does not own the cluster: close() leaves it open.
 */
final class ReadOnce implements Cluster {
    private final Cluster cluster;
    private final Map<List<Object>, Object> answers = new HashMap<>();

    ReadOnce(Cluster cluster) {
        this.cluster = cluster;
    }

    @SuppressWarnings("unchecked")
    private <T> T once(Supplier<T> read, Object... key) {
        List<Object> k = Arrays.asList(key);
        if (answers.containsKey(k)) {
            return (T) answers.get(k);
        }
        T answer = read.get();
        answers.put(k, answer);
        return answer;
    }

    @Override
    public String serverUrl() {
        return cluster.serverUrl();
    }

    @Override
    public String context() {
        return cluster.context();
    }

    @Override
    public Optional<Map<String, Object>> get(String apiVersion, String kind, String namespace, String name) {
        return once(() -> cluster.get(apiVersion, kind, namespace, name), "get", apiVersion, kind, namespace, name);
    }

    @Override
    public List<Map<String, Object>> list(String apiVersion, String kind, String namespace) {
        return once(() -> cluster.list(apiVersion, kind, namespace), "list", apiVersion, kind, namespace);
    }

    @Override
    public List<PrometheusSelectors> prometheuses(String namespace) {
        return once(() -> cluster.prometheuses(namespace), "prometheuses", namespace);
    }

    @Override
    public List<ServiceLb> services() {
        return once(cluster::services, "services");
    }

    @Override
    public Set<String> servedResources(String groupVersion) {
        return once(() -> cluster.servedResources(groupVersion), "servedResources", groupVersion);
    }

    @Override
    public RulesReview rulesReview(String namespace) {
        return once(() -> cluster.rulesReview(namespace), "rulesReview", namespace);
    }

    @Override
    public boolean canI(String verb, String group, String resource, String namespace) {
        return cluster.canI(verb, group, resource, namespace);
    }

    @Override
    public String serviceProxyGet(String namespace, String serviceAndPort, String path) {
        return cluster.serviceProxyGet(namespace, serviceAndPort, path);
    }

    @Override
    public Map<String, Object> apply(ManifestObject object, boolean force, boolean dryRun) {
        return cluster.apply(object, force, dryRun);
    }

    @Override
    public Optional<DeploymentStatus> deploymentStatus(String namespace, String name) {
        return cluster.deploymentStatus(namespace, name);
    }

    @Override
    public boolean l2AnnouncementLeaseExists(String namespace, String service) {
        return cluster.l2AnnouncementLeaseExists(namespace, service);
    }

    @Override
    public void close() {
        // not ours to close
    }
}
