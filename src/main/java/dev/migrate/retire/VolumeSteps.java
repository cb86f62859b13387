package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.EngineException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The volume steps and the final listing, in the order retire runs them. */
final class VolumeSteps {
    private VolumeSteps() {
    }

    /**
     * Step 4c: archive and verify each volume. Archives an earlier, interrupted process wrote are
     * checked again (sha256 of the file) and made again if damaged.
     *
     * @return the manifest of every volume, by name
     */
    record Archive(DockerEngine engine, JournaledActions actions, VolumeArchiver archiver, Consumer<String> note) {
        Map<String, ArchiveManifest> run(Inventory inv, Path archiveDir) {
            List<Inventory.Volume> pending = inv.volumes().stream().filter(v -> !actions.done("archive", v.name())).toList();
            if (pending.size() < inv.volumes().size() && !pending.isEmpty()) {
                archiver.checkBackupDir(archiveDir.getParent(), pending); // resumed: room for what is left
            }
            Map<String, ArchiveManifest> out = new LinkedHashMap<>();
            for (Inventory.Volume v : inv.volumes()) {
                boolean earlier = actions.done("archive", v.name());
                Map<String, Object> data = actions.run("archive", v.name(), v.name(),
                        () -> Map.of("manifest", archiver.archive(inv.project(), v, archiveDir, inv.helperImage())));
                ArchiveManifest m = Journal.LINE.convertValue(data.get("manifest"), ArchiveManifest.class);
                if (earlier) {
                    try {
                        VolumeArchiver.check(archiveDir.resolve(m.archive()), m.archiveSha256(), false);
                    } catch (VolumeArchiver.BadArchive bad) {
                        note.accept("  archive of " + v.name() + " from the interrupted run failed verification ("
                                + bad.getMessage() + "); archiving it again");
                        m = archiver.archive(inv.project(), v, archiveDir, inv.helperImage());
                        actions.record("archive", v.name(), v.name(), Map.of("manifest", m));
                    }
                }
                out.put(v.name(), m);
            }
            return out;
        }
    }

    /** Step 4e: remove each volume by its exact name; never prune, never force. */
    record Remove(DockerEngine engine, JournaledActions actions) {
        void run(Inventory inv, Path archiveDir) {
            for (Inventory.Volume v : inv.volumes()) {
                actions.run("remove-volume", v.name(), v.name(), () -> {
                    try {
                        engine.removeVolume(v.name());
                    } catch (EngineException e) {
                        throw new UserError(ExitCodes.FAILED, "volume " + v.name() + " could not be removed (" + e.getMessage()
                                + "); it is kept and its archive is in " + archiveDir + "; find its user with"
                                + " 'docker ps -a --filter volume=" + v.name() + "', then rerun 'migrate retire --yes'");
                    }
                    return Map.of();
                });
            }
        }
    }

    /** Step 4f: list the engine again; the Engine only warns when a volume is in use, so trust nothing else. */
    static CheckResult proveGone(DockerEngine engine, Inventory inv) {
        Set<String> ids = inv.containers().stream().map(ContainerInfo::id).collect(Collectors.toSet());
        Set<String> names = inv.volumes().stream().map(Inventory.Volume::name).collect(Collectors.toSet());
        List<String> left = new ArrayList<>();
        engine.allContainers().stream().filter(c -> ids.contains(c.id())).forEach(c -> left.add("container " + c.name()));
        engine.volumes().stream().filter(v -> names.contains(v.name())).forEach(v -> left.add("volume " + v.name()));
        return left.isEmpty()
                ? CheckResult.pass("gone", inv.containers().size() + " containers and " + inv.volumes().size()
                + " volumes no longer listed by the engine")
                : CheckResult.fail("gone", "still listed: " + String.join(", ", left),
                "something recreated or still holds them", "inspect them with docker ps -a / docker volume ls, then rerun");
    }
}
