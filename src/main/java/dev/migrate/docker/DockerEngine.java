package dev.migrate.docker;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker Engine as retire needs it: find, stop, archive, remove, restore. No docker-java type
 * appears here, so steps can be tested against a fake and the transport can change.
 * Failures of a call are {@link EngineException}s; an engine that cannot be reached at all is a
 * {@link dev.migrate.UserError} thrown by the implementation's constructor or {@link #info()}.
 */
public interface DockerEngine extends AutoCloseable {
    /** Compose's project label: what identifies the old stack's objects. */
    String PROJECT_LABEL = "com.docker.compose.project";
    /** Top directory of every volume archive this engine produces and accepts. */
    String ARCHIVE_ROOT = "volume";
    /** Label on the short-lived, never-started containers used to read and write volumes. */
    String HELPER_LABEL = "dev.migrate.retire-helper";

    EngineInfo info();

    /** Containers in any state (running, exited, created, ...) carrying {@code label=value}. */
    List<ContainerInfo> containersWithLabel(String label, String value);

    /** Every container on the engine, any state (to find who else mounts a volume). */
    List<ContainerInfo> allContainers();

    List<VolumeInfo> volumes();

    Optional<VolumeInfo> volume(String name);

    /** Bytes used by each volume as the engine reports them ({@code /system/df}); absent when unknown. */
    Map<String, Long> volumeSizes();

    void setRestartPolicy(String containerId, String policy);

    /** Stops and waits; throws if the container is still running after {@code timeout}. */
    void stop(String containerId, Duration timeout);

    /**
     * The content of a volume as a tar stream whose entries sit under {@link #ARCHIVE_ROOT}/,
     * read through a never-started helper container made from {@code helperImage}. Closing the
     * stream removes the helper.
     */
    InputStream archiveVolume(String volume, String helperImage) throws IOException;

    /** Creates the volume with these labels and unpacks a tar produced by {@link #archiveVolume} into it. */
    void restoreVolume(String volume, Map<String, String> labels, InputStream tar, String helperImage) throws IOException;

    /**
     * Removes helper containers a killed run left behind (they hold a reference to a volume and
     * would make its removal fail). Only never-started containers carrying this tool's helper label.
     */
    void removeLeftoverHelpers();

    /** Whether an image with this reference or id exists locally. */
    boolean hasImage(String image);

    /** What an image's build left in it (tags, labels, environment); empty when the engine has no such image. */
    Optional<ImageInfo> image(String idOrReference);

    void removeContainer(String containerId);

    /** Removes exactly this volume (never a prune, never force). */
    void removeVolume(String name);

    @Override
    void close();

    /**
     * @param host       the endpoint in use, e.g. unix:///var/run/docker.sock
     * @param hostSource where that endpoint came from (flag, DOCKER_HOST, docker context, default)
     * @param apiVersion the daemon's API version, as read from it
     * @param version    the daemon's version
     * @param id         the engine's own ID ({@code /info}): the same socket path can reach another engine,
     *                   so this, not the host, says which engine it is; empty when unknown
     * @param dataRoot   the engine's data root ({@code /info} DockerRootDir): two engines on one host can share
     *                   an ID (it comes from a key file in /etc/docker), never a data root
     */
    record EngineInfo(String host, String hostSource, String apiVersion, String version, String id, String dataRoot) {
        public EngineInfo {
            id = id == null ? "" : id;
            dataRoot = dataRoot == null ? "" : dataRoot;
        }

        public EngineInfo(String host, String hostSource, String apiVersion, String version) {
            this(host, hostSource, apiVersion, version, "", "");
        }
    }

    /**
     * @param type        volume, bind or tmpfs
     * @param name        volume name; empty for bind and tmpfs
     * @param source      host path (bind) or the volume's mountpoint
     * @param destination path in the container
     */
    record Mount(String type, String name, String source, String destination) {
        public boolean isVolume() {
            return "volume".equals(type);
        }
    }

    /**
     * @param restartPolicy no, always, unless-stopped, on-failure; empty when not inspected
     * @param publishedPorts host ports the container publishes
     */
    record ContainerInfo(String id, String name, String image, String imageId, Map<String, String> labels,
                         String state, String restartPolicy, List<Mount> mounts, List<Integer> publishedPorts) {
        public ContainerInfo {
            labels = Map.copyOf(labels);
            mounts = List.copyOf(mounts);
            publishedPorts = List.copyOf(publishedPorts);
        }

        public String label(String key) {
            return labels.getOrDefault(key, "");
        }

        public boolean running() {
            return "running".equals(state) || "restarting".equals(state) || "paused".equals(state);
        }
    }

    /**
     * @param repoTags the references the image was pulled or tagged as (grafana/grafana:latest ...)
     * @param labels   Config.Labels
     * @param env      Config.Env as name to value
     */
    record ImageInfo(String id, List<String> repoTags, Map<String, String> labels, Map<String, String> env) {
        public ImageInfo {
            repoTags = List.copyOf(repoTags);
            labels = Map.copyOf(labels);
            env = Map.copyOf(env);
        }
    }

    record VolumeInfo(String name, String driver, Map<String, String> labels) {
        public VolumeInfo {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    /** A call the engine answered with an error (conflict, not found, server error). */
    class EngineException extends RuntimeException {
        private final int status;

        public EngineException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }

        public boolean notFound() {
            return status == 404;
        }
    }
}
