package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.data.OutputDirectory;
import dev.migrate.io.PrivateFiles;
import dev.migrate.docker.DockerEngine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Archives one volume: the Engine's tar stream, gzip'd into &lt;volume&gt;.tar.gz.partial while its
 * sha256 is computed, then re-read from disk (sha256 again, gzip and tar read to their end), and
 * only then renamed into place next to its manifest. A failure removes the partial file and
 * deletes nothing else.
 */
public final class VolumeArchiver {
    /** Room kept free beyond the volumes' sizes, for manifests and the file system's own needs. */
    static final long MARGIN_BYTES = 64L << 20;
    private static final int BUFFER = 1 << 16;
    /** How much of the stream decides whether to compress it. */
    private static final int SAMPLE_BYTES = 4 << 20;
    private static final int COPY_BUFFER = 1 << 20;

    private final DockerEngine engine;
    private final FreeSpace freeSpace;

    public VolumeArchiver(DockerEngine engine, FreeSpace freeSpace) {
        this.engine = engine;
        this.freeSpace = freeSpace;
    }

    /**
     * Checks the backup directory before anything changes: it exists, is a writable directory,
     * and has room for the volumes as the engine sizes them (uncompressed, so an upper bound).
     */
    public void checkBackupDir(Path backupDir, Collection<Inventory.Volume> volumes) {
        checkBackupDirWritable(backupDir);
        long need = volumes.stream().mapToLong(v -> Math.max(0, v.sizeBytes())).sum() + MARGIN_BYTES;
        long free;
        try {
            free = freeSpace.usableBytes(backupDir);
        } catch (IOException e) {
            throw new UserError("cannot read the free space of " + backupDir + ": " + e.getMessage());
        }
        if (free < need) {
            throw new UserError("backup directory " + backupDir + " has " + RetirePlan.size(free) + " free but the volumes need up to "
                    + RetirePlan.size(need) + " (their size on the engine plus " + RetirePlan.size(MARGIN_BYTES)
                    + "); free space or choose another --backup-dir; nothing was changed");
        }
    }

    /** The local half of {@link #checkBackupDir}, run before the first call to the engine. */
    public static void checkBackupDirWritable(Path backupDir) {
        if (!Files.exists(backupDir)) {
            throw new UserError("backup directory " + backupDir + " does not exist; create it (mkdir -p " + backupDir
                    + ") or choose another with --backup-dir; nothing was changed");
        }
        if (!Files.isDirectory(backupDir)) {
            throw new UserError("backup directory " + backupDir + " is not a directory; choose a directory with --backup-dir;"
                    + " nothing was changed");
        }
        try {
            Files.delete(Files.createTempFile(backupDir, ".migrate-write-test", ""));
        } catch (IOException e) {
            throw new UserError("backup directory " + backupDir + " is not writable (" + e.getMessage()
                    + "); fix its permissions or choose another with --backup-dir; nothing was changed");
        }
    }

    /**
     * @throws UserError when the volume's name would lead out of {@code dir}, or the archive is
     *                   empty while the plan saw data in the volume (emptied or recreated since)
     */
    public ArchiveManifest archive(String project, Inventory.Volume volume, Path dir, String helperImage) {
        String what = "volume name from the Docker engine";
        Path partial = OutputDirectory.confined(dir, volume.name() + ArchiveManifest.ARCHIVE_SUFFIX + ".partial", what);
        Path archive = OutputDirectory.confined(dir, volume.name() + ArchiveManifest.ARCHIVE_SUFFIX, what);
        Path manifestFile = OutputDirectory.confined(dir, volume.name() + ArchiveManifest.SUFFIX, what);
        Path tmp = OutputDirectory.confined(dir, volume.name() + ArchiveManifest.SUFFIX + ".partial", what);
        try {
            PrivateFiles.ensureDir(dir);
            // The old stack's data (Grafana's database holds its secrets): owner-only from the first byte.
            Files.deleteIfExists(partial);
            PrivateFiles.createFile(partial);
            String sha;
            try (InputStream tar = engine.archiveVolume(volume.name(), helperImage);
                 ParallelSha256 hash = new ParallelSha256();
                 OutputStream file = hash.tee(Files.newOutputStream(partial))) {
                byte[] sample = tar.readNBytes(SAMPLE_BYTES);
                GZIPOutputStream gz = gzip(file, compresses(sample) ? Deflater.BEST_SPEED : Deflater.NO_COMPRESSION);
                gz.write(sample);
                byte[] buf = new byte[COPY_BUFFER];
                for (int n = tar.read(buf); n >= 0; n = tar.read(buf)) {
                    gz.write(buf, 0, n);
                }
                gz.finish();
                gz.flush();
                sha = hash.hex();
            }
            try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            TarContent content;
            try {
                content = check(partial, sha, false);
            } catch (BadArchive bad) {
                Files.deleteIfExists(partial);
                throw new UserError(ExitCodes.FAILED, "the archive of volume " + volume.name() + " failed verification ("
                        + bad.getMessage() + "); it was removed and the volume is kept; rerun 'migrate retire --yes'");
            }
            if (volume.sizeBytes() > 0 && content.contentBytes() == 0) {
                // The plan saw data; an empty archive means the volume was emptied or recreated since (by
                // Docker, by compose, by a second run): "archived" would be a lie and removing it a loss.
                Files.deleteIfExists(partial);
                throw new UserError(ExitCodes.FAILED, "volume " + volume.name() + " held " + RetirePlan.size(volume.sizeBytes())
                        + " when the plan was made, but it reads back empty now (" + content.files() + " entries, no file"
                        + " content): it was emptied or created again since; nothing was archived or removed; find out"
                        + " what changed it ('docker volume inspect " + volume.name() + "'), then run 'migrate retire' again");
            }
            ArchiveManifest manifest = new ArchiveManifest(volume.name(), project, volume.labels(), volume.sizeBytes(),
                    archive.getFileName().toString(), sha, Files.size(partial), content.files(), content.contentBytes(),
                    helperImage, Instant.now());
            Files.deleteIfExists(tmp);
            PrivateFiles.createFile(tmp);
            Files.write(tmp, Journal.LINE.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, manifestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return manifest;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // reported below; the partial name never counts as an archive
            }
            String msg = PrivateFiles.reason(e);
            String why = msg.toLowerCase(java.util.Locale.ROOT).contains("no space left") ? "the disk is full" : msg;
            throw new UserError(ExitCodes.FAILED, "archiving volume " + volume.name() + " into " + dir + " failed: " + why
                    + "; the partial archive was removed and nothing was deleted; free space there (or pass another"
                    + " --backup-dir), then rerun 'migrate retire --yes' to resume", e);
        }
    }

    /** An archive that does not match its manifest or cannot be read to its end. */
    public static final class BadArchive extends Exception {
        BadArchive(String message) {
            super(message);
        }
    }

    /**
     * Re-reads an archive from disk: its sha256 must match, and when {@code parse} is set, the
     * gzip and the tar must read to their end (counting entries; with content hashes when
     * {@code hashContent}).
     */
    public static TarContent check(Path archive, String expectedSha, boolean hashContent) throws BadArchive {
        if (!Files.isRegularFile(archive)) {
            throw new BadArchive(archive + " is missing");
        }
        TarContent content;
        String sha;
        try (ParallelSha256 hash = new ParallelSha256();
             InputStream file = hash.tee(new BufferedInputStream(Files.newInputStream(archive), COPY_BUFFER));
             GZIPInputStream gz = new GZIPInputStream(file, BUFFER)) {
            content = TarContent.read(gz, hashContent);
            gz.transferTo(OutputStream.nullOutputStream());
            file.transferTo(OutputStream.nullOutputStream());
            sha = hash.hex();
        } catch (IOException e) {
            throw new BadArchive("cannot read " + archive + ": " + e.getMessage());
        }
        if (!sha.equals(expectedSha)) {
            throw new BadArchive("sha256 of " + archive.getFileName() + " is " + sha + ", the manifest says " + expectedSha);
        }
        return content;
    }

    /** Whether gzip is worth its CPU: TSDB chunks and random bytes barely shrink, text and SQLite do. */
    static boolean compresses(byte[] sample) {
        if (sample.length == 0) {
            return true;
        }
        Deflater d = new Deflater(Deflater.BEST_SPEED, true);
        try {
            d.setInput(sample);
            d.finish();
            byte[] out = new byte[BUFFER];
            long n = 0;
            while (!d.finished()) {
                n += d.deflate(out);
            }
            return n < sample.length * 0.9;
        } finally {
            d.end();
        }
    }

    /** gzip at a chosen level; level 0 still writes a valid .gz (stored blocks with a CRC). */
    private static GZIPOutputStream gzip(OutputStream out, int level) throws IOException {
        return new GZIPOutputStream(out, BUFFER) {
            {
                def.setLevel(level);
            }
        };
    }
}
