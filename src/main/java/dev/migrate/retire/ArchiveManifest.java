package dev.migrate.retire;

import dev.migrate.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Written next to each archive as &lt;volume&gt;.manifest.json: enough to check the archive and
 * to recreate the volume exactly (name and compose labels) with `migrate retire --restore`.
 *
 * @param archive        file name of the .tar.gz, in the same directory
 * @param archiveSha256  sha256 of the .tar.gz file as written and re-read
 * @param archiveBytes   size of the .tar.gz file
 * @param files          entries in the volume (files, directories, links)
 * @param contentBytes   bytes of file content in the volume
 * @param helperImage    image id the archive was read with (reused to restore)
 */
public record ArchiveManifest(String volume, String project, Map<String, String> labels, long sizeBytes,
                              String archive, String archiveSha256, long archiveBytes, long files, long contentBytes,
                              String helperImage, Instant createdAt) {
    public static final String SUFFIX = ".manifest.json";
    public static final String ARCHIVE_SUFFIX = ".tar.gz";

    public ArchiveManifest {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The manifest files in {@code dir}, sorted by name; empty when there are none or it cannot be listed. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public static ArchiveManifest read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), ArchiveManifest.class);
    }
}
