package dev.migrate.data;

import dev.migrate.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory that generated files go into (`record --out`, `backport --out`): checked before
 * anything is written, then written all at once. Files are staged in a hidden directory inside the
 * target and moved into place one by one, so a failure while writing (a full disk) leaves no
 * half-written file, only files that are either the old or the new version.
 */
public final class OutputDirectory {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    /** One generated file: path relative to the directory ('/'-separated) and its text. */
    public record OutputFile(String path, String content) {
        public int bytes() {
            return content.getBytes(StandardCharsets.UTF_8).length;
        }

        /** {path, bytes, content}: how -o json shows a file. */
        public java.util.Map<String, Object> toJson() {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("path", path);
            row.put("bytes", bytes());
            row.put("content", content);
            return row;
        }
    }

    private final Path dir;
    private final String flag;

    private OutputDirectory(Path dir, String flag) {
        this.dir = dir;
        this.flag = flag;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Checks that {@code dir} can take generated files: not a file, not inside the state directory
     * (private, 0700, and `migrate` may archive what is in it), not read-only. It need not exist.
     * Honours the mode bits even for root: a directory nobody may write to was made read-only on purpose.
     */
    public static OutputDirectory check(Path dir, Path stateDir, String flag) {
        Path abs = dir.toAbsolutePath().normalize();
        Path state = stateDir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new UserError(flag + " " + dir + " is a file, not a directory; give a directory (it is created if missing)");
        }
        if (abs.startsWith(state)) {
            throw new UserError(flag + " " + dir + " is inside the state directory " + stateDir
                    + " (private to migrate); write the files somewhere else, e.g. " + flag + " ./" + abs.getFileName());
        }
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new UserError(flag + " " + dir + ": " + existing + " is not a directory; give a directory path");
        }
        if (!Files.isWritable(existing) || readOnlyByMode(existing)) {
            throw new UserError(flag + " " + dir + " is read-only" + (existing.equals(abs) ? "" : " (" + existing + ")")
                    + "; make it writable (chmod u+w) or choose another directory");
        }
        return new OutputDirectory(abs, flag);
    }

    private static boolean readOnlyByMode(Path d) {
        if (!POSIX) {
            return false;
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(d);
            return !p.contains(PosixFilePermission.OWNER_WRITE) && !p.contains(PosixFilePermission.GROUP_WRITE)
                    && !p.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    /** The largest file of a previous run read back (a dashboard is the largest, well under this). */
    static final long OUTPUT_FILE_CAP = 16L << 20;

    /** The entries directly in the directory (names), sorted; empty when it does not exist. */
    public List<String> entries() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UserError(flag + " " + dir + ": cannot list (" + e.getMessage() + ")");
        }
    }

    /** The text of a file in the directory, if it exists. */
    public java.util.Optional<String> read(String path) {
        Path f = dir.resolve(path);
        if (!Files.isRegularFile(f)) {
            return java.util.Optional.empty();
        }
        // Bounded: a 3 GB file left in --out is refused by size, never loaded into memory.
        return java.util.Optional.of(dev.migrate.io.UserFiles.read(f, flag, OUTPUT_FILE_CAP));
    }

    /** Writes every file (staged, then moved into place) and returns the absolute paths written. */
    public List<Path> write(List<OutputFile> files) {
        Path staging = null;
        try {
            Files.createDirectories(dir);
            staging = Files.createTempDirectory(dir, ".migrate-staging-");
            for (OutputFile f : files) {
                Path target = staging.resolve(f.path());
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.content(), StandardCharsets.UTF_8);
            }
            List<Path> written = new ArrayList<>();
            for (OutputFile f : files) {
                Path target = dir.resolve(f.path());
                Files.createDirectories(target.getParent());
                try {
                    Files.move(staging.resolve(f.path()), target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging.resolve(f.path()), target, StandardCopyOption.REPLACE_EXISTING);
                }
                written.add(target);
            }
            return written;
        } catch (IOException e) {
            throw new UserError(flag + " " + dir + ": cannot write (" + e.getMessage() + "); files already in place"
                    + " are complete, the rest were not written; fix the cause and run again");
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // only the staging directory of this run; nothing else is touched
        }
    }
}
