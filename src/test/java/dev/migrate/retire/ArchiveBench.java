package dev.migrate.retire;

import dev.migrate.docker.ApiDockerEngine;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerHost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Used by bench/retire.sh only: archives one volume several times with retire's own archiver
 * (stream, gzip or store, sha256, re-read and verify) and prints the seconds of each run.
 * Args: docker-host volume work-dir runs.
 */
public final class ArchiveBench {
    private ArchiveBench() {
    }

    public static void main(String[] args) throws Exception {
        try (DockerEngine engine = new ApiDockerEngine(new DockerHost(args[0], "bench"))) {
            String image = engine.containersWithLabel(DockerEngine.PROJECT_LABEL, "claude-monitoring").get(0).imageId();
            Inventory.Volume volume = new Inventory.Volume(args[1], Map.of(), -1, false, List.of());
            for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                Path dir = Files.createDirectories(Path.of(args[2], "run" + i));
                long t0 = System.nanoTime();
                new VolumeArchiver(engine, FreeSpace.FILE_STORE).archive("bench", volume, dir, image);
                System.out.printf("%.3f%n", (System.nanoTime() - t0) / 1e9);
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }
}
