package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.data.OutputDirectory;
import dev.migrate.io.Printable;
import dev.migrate.io.PrivateFiles;
import dev.migrate.io.StateLock;
import dev.migrate.docker.DockerEngine;
import dev.migrate.io.ProgressSink;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * `migrate retire --restore`: recreates each archived volume (same name, same compose labels, so
 * `docker-compose up` adopts it) after checking the archive, and proves the restored content
 * matches the manifest. It never overwrites a volume that already holds data. Containers are the
 * user's to start again with compose. "Matches" means the same paths, types, modes, owners, link
 * targets and file contents (sha256 each) in the archive and in the restored volume.
 */
public final class Restorer {
    private final DockerEngine engine;
    private final Ledger ledger;
    private final Settings settings;
    private final ProgressSink progress;

    public Restorer(DockerEngine engine, Ledger ledger, Settings settings, ProgressSink progress) {
        this.engine = engine;
        this.ledger = ledger;
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * What --restore reads, checked before the engine is contacted: every archive a file inside
     * its directory (a manifest is a file anyone may have edited), matching its manifest.
     *
     * @param files    volume -> its archive
     * @param expected volume -> the archive's content, which the restored volume must read back as
     */
    public record Archives(Path dir, List<ArchiveManifest> manifests, Map<String, Path> files,
                           Map<String, TarContent> expected) {
    }

    /** Reads and verifies the newest archives of {@code project} in {@code backupDir}; all or nothing. */
    public static Archives check(Path backupDir, String project) {
        Path dir = archiveDir(backupDir, project);
        List<ArchiveManifest> manifests = manifests(dir);
        Map<String, Path> files = new LinkedHashMap<>();
        for (ArchiveManifest m : manifests) {
            files.put(m.volume(), OutputDirectory.confined(dir, m.archive(), "the archive named in the manifest of volume "
                    + Printable.quote(m.volume())));
        }
        Map<String, TarContent> expected = new LinkedHashMap<>();
        for (ArchiveManifest m : manifests) {
            try {
                TarContent c = VolumeArchiver.check(files.get(m.volume()), m.archiveSha256(), true);
                if (c.files() != m.files() || c.contentBytes() != m.contentBytes()) {
                    throw new VolumeArchiver.BadArchive(c.files() + " entries / " + c.contentBytes() + " bytes, the manifest says "
                            + m.files() + " / " + m.contentBytes());
                }
                expected.put(m.volume(), c);
            } catch (VolumeArchiver.BadArchive bad) {
                throw new UserError(ExitCodes.FAILED, "archive of volume " + m.volume() + " failed verification ("
                        + bad.getMessage() + "); nothing was restored");
            }
        }
        return new Archives(dir, manifests, files, expected);
    }

    /** Holds the state directory's lock throughout: a retire or a second restore at the same time is refused. */
    public Retirer.Result restore(Archives archives, String project, Optional<String> helperImageFlag) {
        try (StateLock lock = StateLock.acquire(ledger.dir(), "migrate retire --restore")) {
            return restoreLocked(archives, project, helperImageFlag);
        }
    }

    private Retirer.Result restoreLocked(Archives checked, String project, Optional<String> helperImageFlag) {
        Instant started = Instant.now();
        Path dir = checked.dir();
        List<ArchiveManifest> manifests = checked.manifests();
        Map<String, Path> archives = checked.files();
        Map<String, TarContent> expected = checked.expected();
        List<String> busy = new ArrayList<>();
        for (ArchiveManifest m : manifests) {
            if (engine.volume(m.volume()).isPresent() && content(m.volume(), image(m, helperImageFlag), false).files() > 0) {
                busy.add(m.volume());
            }
        }
        if (!busy.isEmpty()) {
            throw new UserError(ExitCodes.REFUSED, "refusing to overwrite volumes that already hold data: " + String.join(", ", busy)
                    + "; nothing was restored; remove or rename them yourself (docker volume rm NAME) if the archive should win");
        }
        List<Map<String, Object>> restored = new ArrayList<>();
        for (ArchiveManifest m : manifests) {
            String image = image(m, helperImageFlag);
            try (InputStream file = Files.newInputStream(archives.get(m.volume()));
                 InputStream tar = new GZIPInputStream(new BufferedInputStream(file, 1 << 16), 1 << 16)) {
                engine.restoreVolume(m.volume(), m.labels(), tar, image);
            } catch (IOException e) {
                throw new UserError(ExitCodes.FAILED, "cannot read " + archives.get(m.volume()) + ": " + PrivateFiles.reason(e));
            }
            TarContent back = content(m.volume(), image, true);
            if (!back.equals(expected.get(m.volume()))) {
                throw new UserError(ExitCodes.FAILED, "volume " + m.volume() + " was restored but reads back as " + back
                        + " instead of " + expected.get(m.volume()) + " (the archive); inspect it before using it");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("volume", m.volume());
            row.put("files", back.files());
            row.put("contentBytes", back.contentBytes());
            row.put("contentSha256", back.sha256());
            restored.add(row);
            progress.line(String.format("  restored %-50s %d entries, %s, content sha256 %s (matches the manifest)", m.volume(),
                    back.files(), RetirePlan.size(back.contentBytes()), back.sha256().substring(0, 16)));
        }
        String summary = "restored " + manifests.size() + " volumes of '" + project + "' from " + dir
                + "; start the old stack again with 'docker-compose up -d' in its directory if you need it";
        ledger.append(new StepRecord("restore", started, Instant.now(), settings.digest(), StepRecord.PASSED, summary, "",
                Map.of("project", project, "archiveDir", dir.toString(), "volumes", String.valueOf(manifests.size()))));
        progress.line(summary);
        return new Retirer.Result(ExitCodes.OK, Map.of("archiveDir", dir.toString(), "restored", restored, "summary", summary));
    }

    private TarContent content(String volume, String image, boolean hash) {
        try (InputStream tar = engine.archiveVolume(volume, image)) {
            TarContent c = TarContent.read(tar, hash);
            tar.transferTo(java.io.OutputStream.nullOutputStream());
            return c;
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILED, "cannot read volume " + volume + " back: " + e.getMessage());
        }
    }

    private String image(ArchiveManifest m, Optional<String> flag) {
        if (flag.isPresent()) {
            if (!engine.hasImage(flag.get())) {
                throw new UserError("--helper-image " + flag.get() + " is not a local image; give one 'docker images' lists");
            }
            return flag.get();
        }
        if (!m.helperImage().isEmpty() && engine.hasImage(m.helperImage())) {
            return m.helperImage();
        }
        throw new UserError("the image the archive was read with (" + m.helperImage() + ") is gone from the engine;"
                + " give any local image with --helper-image IMAGE (it is only used for a container that is never started)");
    }

    /** DIR itself when it holds manifests, else its newest &lt;project&gt;-&lt;run&gt; sub-directory. */
    static Path archiveDir(Path backupDir, String project) {
        if (!Files.isDirectory(backupDir)) {
            throw new UserError("backup directory " + backupDir + " does not exist; pass the directory retire archived"
                    + " into with --backup-dir");
        }
        if (!manifestFiles(backupDir).isEmpty()) {
            return backupDir;
        }
        try (Stream<Path> subs = Files.list(backupDir)) {
            return subs.filter(Files::isDirectory)
                    .filter(p -> p.getFileName().toString().startsWith(project + "-"))
                    .filter(p -> !manifestFiles(p).isEmpty())
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new UserError("no retire archives of project '" + project + "' in " + backupDir
                            + "; pass the directory retire archived into with --backup-dir (and --project)"));
        } catch (IOException e) {
            throw new UserError("cannot list " + backupDir + ": " + e.getMessage());
        }
    }

    private static List<Path> manifestFiles(Path dir) {
        return ArchiveManifest.files(dir);
    }

    private static List<ArchiveManifest> manifests(Path dir) {
        List<ArchiveManifest> out = new ArrayList<>();
        for (Path p : manifestFiles(dir)) {
            try {
                out.add(ArchiveManifest.read(p));
            } catch (IOException e) {
                throw new UserError("manifest " + p + " is not readable (" + e.getMessage() + "); nothing was restored");
            }
        }
        return out;
    }
}
