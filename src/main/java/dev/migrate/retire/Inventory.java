package dev.migrate.retire;

import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.EngineInfo;

import java.util.List;
import java.util.Map;

/**
 * What discovery found for one compose project: the objects retire may touch, and those it saw
 * but must keep (with why).
 *
 * @param containers  the project's containers, any state
 * @param volumes     volumes that belong to the project alone: archived, then removed
 * @param kept        objects seen but never touched
 * @param ports       host ports the project's containers publish
 * @param helperImage image id used for the never-started helper that reads volumes (one of the project's own)
 */
public record Inventory(String project, EngineInfo engine, List<ContainerInfo> containers, List<Volume> volumes,
                        List<Kept> kept, List<Integer> ports, String helperImage) {
    public Inventory {
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        kept = List.copyOf(kept);
        ports = List.copyOf(ports);
    }

    /** Nothing of the project is left on the engine. */
    public boolean empty() {
        return !actionable() && kept.isEmpty();
    }

    /** Something retire would stop, archive or remove (objects it must keep do not count). */
    public boolean actionable() {
        return !containers.isEmpty() || !volumes.isEmpty();
    }

    /**
     * @param sizeBytes  bytes used as the engine reports them, -1 when unknown
     * @param anonymous  an anonymous volume (found only through a container's mount)
     * @param mountedBy  names of the project's containers that mount it
     */
    public record Volume(String name, Map<String, String> labels, long sizeBytes, boolean anonymous, List<String> mountedBy) {
        public Volume {
            labels = Map.copyOf(labels);
            mountedBy = List.copyOf(mountedBy);
        }
    }

    /** @param kind volume, bind or container */
    public record Kept(String kind, String name, String reason) {
    }
}
