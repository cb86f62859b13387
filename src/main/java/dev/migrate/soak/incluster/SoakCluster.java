package dev.migrate.soak.incluster;

import dev.migrate.bundle.ManifestObject;

import java.util.Optional;
import java.util.function.Consumer;

/** The few cluster operations the in-cluster soak needs; fabric8 behind it in real runs. */
public interface SoakCluster extends AutoCloseable {
    boolean exists(ManifestObject object);

    /** Creates it, or replaces it when {@code replace} and it exists. */
    void createOrReplace(ManifestObject object, boolean replace);

    /** The newest pod the Job created, if any. */
    Optional<String> podOfJob(String namespace, String job);

    /** Streams the pod's log from its start, line by line, until the container's log ends. */
    void followLog(String namespace, String pod, Consumer<String> line);

    @Override
    void close();
}
