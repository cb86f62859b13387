package dev.migrate.retire;

import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.VolumeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which world a retire run acts on, journaled when it begins: the Docker engine's identity (its
 * ID and data root from {@code /info}; a socket path or URL can reach another engine, and two
 * engines on one host may share an ID), the compose project, and the planned containers (by ID,
 * which Docker never reuses) and volumes. A resumed run acts only on the world it began in:
 * {@link #differences} must be empty. Docker gives a volume no identity beyond its name (its
 * CreatedAt moves whenever its top directory changes), so a recreated volume is caught through
 * its containers, which cannot outlive it, and by the archive's own check for an empty volume.
 *
 * @param containers IDs of the planned containers
 * @param volumes    names of the planned volumes
 */
public record World(String engineId, String engineRoot, String engineHost, String project, List<String> containers,
                    List<String> volumes) {
    public World {
        engineId = engineId == null ? "" : engineId;
        engineRoot = engineRoot == null ? "" : engineRoot;
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
    }

    /** The world as the engine shows it now: which of {@code inv}'s containers and volumes it still lists. */
    public static World of(DockerEngine engine, Inventory inv) {
        Set<String> planned = inv.containers().stream().map(ContainerInfo::id).collect(Collectors.toSet());
        List<String> containers = engine.allContainers().stream().map(ContainerInfo::id).filter(planned::contains).sorted().toList();
        Set<String> names = inv.volumes().stream().map(Inventory.Volume::name).collect(Collectors.toSet());
        List<String> volumes = engine.volumes().stream().map(VolumeInfo::name).filter(names::contains).sorted().toList();
        DockerEngine.EngineInfo e = engine.info();
        return new World(e.id(), e.dataRoot(), e.host(), inv.project(), containers, volumes);
    }

    /** The world a run plans to act on: everything it found. */
    public static World planned(DockerEngine engine, Inventory inv) {
        DockerEngine.EngineInfo e = engine.info();
        return new World(e.id(), e.dataRoot(), e.host(), inv.project(),
                inv.containers().stream().map(ContainerInfo::id).sorted().toList(),
                inv.volumes().stream().map(Inventory.Volume::name).sorted().toList());
    }

    /**
     * What differs between this world (journaled) and {@code now}, one phrase each; empty when it
     * is the same world. Something the run already removed is no longer its concern. A container
     * may be missing only once every volume is archived (the run had got to removing containers;
     * a crash can fall between removing one and journaling that); a volume only once it is archived.
     *
     * @param done the keys of the actions this run already journaled ("archive:NAME", "remove-container:ID", ...)
     */
    public List<String> differences(World now, Set<String> done, boolean backup) {
        List<String> out = new ArrayList<>();
        boolean sameEngine = engineId.isEmpty() && now.engineId().isEmpty()
                ? engineHost.equals(now.engineHost()) // an engine that gives no ID: its address is all there is
                : engineId.equals(now.engineId()) && engineRoot.equals(now.engineRoot());
        if (!sameEngine) {
            out.add("the run began on Docker engine " + describe(engineId, engineRoot) + " at " + engineHost + ", but "
                    + now.engineHost() + " is engine " + describe(now.engineId(), now.engineRoot()));
            return out; // another engine: its objects say nothing about this run's
        }
        if (!project.equals(now.project())) {
            out.add("the run began for compose project '" + project + "', not '" + now.project() + "'");
        }
        boolean allArchived = !backup || volumes.stream().allMatch(v -> done.contains("archive:" + v));
        List<String> goneContainers = new ArrayList<>();
        for (String id : new TreeSet<>(containers)) {
            if (!now.containers().contains(id) && !done.contains("remove-container:" + id) && !allArchived) {
                goneContainers.add(RetirePlan.shortId(id));
            }
        }
        if (!goneContainers.isEmpty()) {
            out.add("container(s) " + String.join(", ", goneContainers) + " of the plan are gone, but this run never"
                    + " removed them (was the stack brought down and up again?)");
        }
        for (String v : new TreeSet<>(volumes)) {
            if (!now.volumes().contains(v) && !done.contains("remove-volume:" + v) && backup && !done.contains("archive:" + v)) {
                out.add("volume " + v + " is gone from the engine, and this run never archived it");
            }
        }
        return out;
    }

    private static String describe(String id, String root) {
        return (id.isEmpty() ? "(ID unknown)" : id) + (root.isEmpty() ? "" : " (data root " + root + ")");
    }
}
