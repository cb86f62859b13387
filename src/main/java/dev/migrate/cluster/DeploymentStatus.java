package dev.migrate.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code kubectl rollout status} looks at on a Deployment.
 *
 * @param desired {@code spec.replicas} (1 when unset, the API default)
 */
public record DeploymentStatus(String namespace, String name, long generation, long observedGeneration, long desired,
                               long replicas, long updatedReplicas, long availableReplicas,
                               List<Condition> conditions) {
    public DeploymentStatus {
        conditions = List.copyOf(conditions);
    }

    public static DeploymentStatus fromTree(Map<String, Object> d) {
        Object replicas = Trees.at(d, "spec", "replicas");
        return new DeploymentStatus(Trees.text(d, "metadata", "namespace"), Trees.text(d, "metadata", "name"),
                Trees.number(d, "metadata", "generation"), Trees.number(d, "status", "observedGeneration"),
                replicas == null ? 1 : Trees.number(d, "spec", "replicas"),
                Trees.number(d, "status", "replicas"), Trees.number(d, "status", "updatedReplicas"),
                Trees.number(d, "status", "availableReplicas"), Trees.conditions(d, "status", "conditions"));
    }

    public Optional<Condition> condition(String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
    }
}
