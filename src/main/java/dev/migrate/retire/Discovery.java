package dev.migrate.retire;

import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.Mount;
import dev.migrate.docker.DockerEngine.VolumeInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Step 1: finds the project's containers (by the compose project label, any state) and its volumes
 * (by label and by the containers' mounts, since anonymous volumes carry no project label).
 * Anything it cannot attribute to the project alone is reported as kept, never guessed at.
 */
public final class Discovery {
    private static final Pattern ANONYMOUS_NAME = Pattern.compile("[0-9a-f]{64}");
    private static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    private final DockerEngine engine;

    public Discovery(DockerEngine engine) {
        this.engine = engine;
    }

    public Inventory discover(String project) {
        List<ContainerInfo> containers = new ArrayList<>(engine.containersWithLabel(DockerEngine.PROJECT_LABEL, project));
        containers.sort(Comparator.comparing(ContainerInfo::name));
        Set<String> ours = containers.stream().map(ContainerInfo::id).collect(Collectors.toSet());
        // retire's own never-started helpers (left by a killed run) are not "another user" of a volume
        List<ContainerInfo> others = engine.allContainers().stream()
                .filter(c -> !ours.contains(c.id()) && !c.labels().containsKey(DockerEngine.HELPER_LABEL)).toList();
        Map<String, VolumeInfo> volumes = engine.volumes().stream()
                .collect(Collectors.toMap(VolumeInfo::name, Function.identity(), (a, b) -> a));

        // candidate volume -> our containers mounting it
        Map<String, List<String>> candidates = new TreeMap<>();
        volumes.values().stream().filter(v -> project.equals(v.label(DockerEngine.PROJECT_LABEL)))
                .forEach(v -> candidates.put(v.name(), new ArrayList<>()));
        List<Inventory.Kept> kept = new ArrayList<>();
        TreeSet<Integer> ports = new TreeSet<>();
        for (ContainerInfo c : containers) {
            ports.addAll(c.publishedPorts());
            for (Mount m : c.mounts()) {
                if (m.isVolume()) {
                    candidates.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(c.name());
                } else {
                    kept.add(new Inventory.Kept(m.type().isEmpty() ? "mount" : m.type(), m.source(), "mounted by "
                            + c.name() + " at " + m.destination() + "; a host path, retire never touches host files"));
                }
            }
        }

        Map<String, Long> sizes = candidates.isEmpty() ? Map.of() : engine.volumeSizes();
        List<Inventory.Volume> remove = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : candidates.entrySet()) {
            String name = e.getKey();
            VolumeInfo info = volumes.get(name);
            if (info == null) {
                continue; // a mount naming a volume the engine no longer lists
            }
            String reason = keepReason(project, info, others);
            if (reason != null) {
                kept.add(new Inventory.Kept("volume", name, reason));
            } else {
                remove.add(new Inventory.Volume(name, info.labels(), sizes.getOrDefault(name, -1L),
                        !project.equals(info.label(DockerEngine.PROJECT_LABEL)), e.getValue()));
            }
        }
        String helperImage = containers.stream().map(ContainerInfo::imageId).filter(s -> !s.isEmpty()).findFirst().orElse("");
        return new Inventory(project, engine.info(), containers, remove, kept, List.copyOf(ports), helperImage);
    }

    /** Why a candidate volume must be kept, or null when it belongs to the project alone. */
    private static String keepReason(String project, VolumeInfo v, List<ContainerInfo> others) {
        List<String> users = others.stream()
                .filter(c -> c.mounts().stream().anyMatch(m -> m.isVolume() && m.name().equals(v.name())))
                .map(c -> c.name() + projectOf(c))
                .toList();
        if (!users.isEmpty()) {
            return "also mounted by " + String.join(", ", users) + " outside project '" + project + "'";
        }
        String owner = v.label(DockerEngine.PROJECT_LABEL);
        if (project.equals(owner)) {
            return null;
        }
        if (!owner.isEmpty()) {
            return "belongs to compose project '" + owner + "'";
        }
        if (v.labels().containsKey(ANONYMOUS_LABEL) || (ANONYMOUS_NAME.matcher(v.name()).matches() && onlyAnonymousLabels(v))) {
            return null;
        }
        return "a named volume without the project label (external?); remove it yourself if it is really unused";
    }

    private static boolean onlyAnonymousLabels(VolumeInfo v) {
        return v.labels().keySet().stream().allMatch(ANONYMOUS_LABEL::equals);
    }

    private static String projectOf(ContainerInfo c) {
        String p = c.label(DockerEngine.PROJECT_LABEL);
        return p.isEmpty() ? " (no compose project)" : " (project '" + p + "')";
    }
}
