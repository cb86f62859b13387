package dev.migrate.retire;

import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.VolumeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which world a retire run acts on, journaled when it begins: the Docker engine's own ID (a
 * socket path or URL can reach another engine), the compose project, and each planned volume's
 * creation time (a volume removed and recreated under the same name is another volume, holding
 * other data or none). A resumed run acts only on the world it began with: {@link #differences}
 * must be empty.
 *
 * @param volumes volume name -> creation time as the engine reported it
 */
public record World(String engineId, String engineHost, String project, Map<String, String> volumes) {
    public World {
        volumes = Map.copyOf(volumes);
    }

    /** The world as the engine shows it now, for the volumes of {@code inv}. */
    public static World of(DockerEngine engine, Inventory inv) {
        Map<String, VolumeInfo> listed = engine.volumes().stream()
                .collect(Collectors.toMap(VolumeInfo::name, Function.identity(), (a, b) -> a));
        Map<String, String> created = new TreeMap<>();
        for (Inventory.Volume v : inv.volumes()) {
            VolumeInfo now = listed.get(v.name());
            if (now != null) {
                created.put(v.name(), now.createdAt());
            }
        }
        return new World(engine.info().id(), engine.info().host(), inv.project(), created);
    }

    /**
     * What differs between this world (journaled) and {@code now}, one phrase each; empty when it
     * is the same world. A volume the run already removed is no longer its concern; one it
     * archived may be missing (a crash can fall between removing it and journaling that).
     *
     * @param archived volumes this run already archived
     * @param removed  volumes this run already removed
     */
    public List<String> differences(World now, Set<String> archived, Set<String> removed) {
        List<String> out = new ArrayList<>();
        boolean sameEngine = engineId.isEmpty() && now.engineId().isEmpty()
                ? engineHost.equals(now.engineHost()) // an engine that gives no ID: its address is all there is
                : engineId.equals(now.engineId());
        if (!sameEngine) {
            out.add("the run began on Docker engine " + (engineId.isEmpty() ? "(ID unknown)" : engineId) + " at " + engineHost
                    + ", but " + now.engineHost() + " is engine " + (now.engineId().isEmpty() ? "(ID unknown)" : now.engineId()));
            return out; // another engine: its volumes say nothing about this run's
        }
        if (!project.equals(now.project())) {
            out.add("the run began for compose project '" + project + "', not '" + now.project() + "'");
        }
        for (Map.Entry<String, String> v : new TreeMap<>(volumes).entrySet()) {
            String created = now.volumes().get(v.getKey());
            if (removed.contains(v.getKey())) {
                continue;
            }
            if (created == null) {
                if (!archived.contains(v.getKey())) {
                    out.add("volume " + v.getKey() + " is gone from the engine, and this run never archived it");
                }
            } else if (!created.equals(v.getValue())) {
                out.add("volume " + v.getKey() + " was created again (at " + created + "; the run saw it created at "
                        + v.getValue() + "): it is not the volume the plan archives");
            }
        }
        return out;
    }
}
