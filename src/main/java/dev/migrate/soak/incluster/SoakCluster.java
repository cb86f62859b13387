package dev.migrate.soak.incluster;

import dev.migrate.bundle.ManifestObject;

import java.util.Optional;
import java.util.function.Consumer;

/** The few cluster operations the in-cluster soak needs; fabric8 behind it in real runs. */
public interface SoakCluster extends AutoCloseable {
    boolean exists(ManifestObject object);

    /**
     * Server-side apply with field manager migrate, like deploy: a second apply of the same object
     * writes nothing.
     *
     * @return {@code created}, {@code configured} or {@code unchanged}
     * @throws dev.migrate.UserError (exit REFUSED) when the object exists and the server refuses the
     *                               change as immutable (a Job's pod template)
     */
    String apply(ManifestObject object);

    /** The newest pod the Job created, if any. */
    Optional<String> podOfJob(String namespace, String job);

    /** Streams the pod's log from its start, line by line, until the container's log ends. */
    void followLog(String namespace, String pod, Consumer<String> line);

    @Override
    void close();
}
