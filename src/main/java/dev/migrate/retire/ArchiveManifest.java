package dev.migrate.retire;

import java.time.Instant;
import java.util.Map;

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
}
