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
    private final Path stateDir;

    private OutputDirectory(Path dir, String flag, Path stateDir) {
        this.dir = dir;
        this.flag = flag;
        this.stateDir = stateDir;
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
        dev.migrate.io.StateLock.checkLockFile(state); // written through the state directory's lock
        if (!Files.isWritable(existing) || readOnlyByMode(existing)) {
            throw new UserError(flag + " " + dir + " is read-only" + (existing.equals(abs) ? "" : " (" + existing + ")")
                    + "; make it writable (chmod u+w) or choose another directory");
        }
        return new OutputDirectory(abs, flag, stateDir);
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

    /**
     * The one path confinement: {@code name} (a file name or a '/'-separated relative path that
     * came from outside, e.g. a volume name the engine listed or a manifest's "archive" field)
     * resolved inside {@code dir}, or a refusal. Refused: empty, absolute, "." or ".." segments,
     * control characters, and an existing file or directory on the way that is a symlink leading
     * out of {@code dir}. Nothing is created.
     *
     * @param what what the name is, for the message, e.g. "volume name from the Docker engine"
     */
    public static Path confined(Path dir, String name, String what) {
        String why = null;
        if (name == null || name.isEmpty()) {
            why = "it is empty";
        } else if (name.startsWith("/") || name.startsWith("\\")) {
            why = "it is an absolute path";
        } else if (name.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            why = "it holds a control character";
        } else if (java.util.Arrays.stream(name.split("[/\\\\]", -1)).anyMatch(seg -> seg.isEmpty() || seg.equals(".") || seg.equals(".."))) {
            why = "it holds an empty, '.' or '..' path segment";
        }
        Path base = dir.toAbsolutePath().normalize();
        Path target = why == null ? base.resolve(name).normalize() : base;
        if (why == null && (!target.startsWith(base) || target.equals(base))) {
            why = "it resolves outside " + dir;
        }
        if (why == null) {
            // a symlink planted inside the directory must not lead out of it either
            Path existing = target;
            while (existing != null && !existing.equals(base) && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            try {
                if (existing != null && Files.exists(base) && !existing.toRealPath().startsWith(base.toRealPath())) {
                    why = existing + " leads out of " + dir + " through a symbolic link";
                }
            } catch (IOException e) {
                why = "its path cannot be resolved (" + e.getMessage() + ")";
            }
        }
        if (why != null) {
            throw new UserError(dev.migrate.ExitCodes.REFUSED, what + " " + dev.migrate.io.Printable.quote(name)
                    + " cannot be a file in " + dir + ": " + why + "; nothing was read or written for it");
        }
        return target;
    }

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
        Path f = confined(dir, path, flag + " file");
        if (!Files.isRegularFile(f)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(flag + " " + f + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Writes every file (staged, then moved into place) and returns the absolute paths written. */
    public List<Path> write(List<OutputFile> files) {
        Path staging = null;
        // The state directory's one lock: two runs writing generated files at once would interleave them.
        try (dev.migrate.io.StateLock lock = dev.migrate.io.StateLock.acquire(stateDir, "migrate writing " + flag + " " + dir)) {
            Files.createDirectories(dir);
            staging = Files.createTempDirectory(dir, ".migrate-staging-");
            for (OutputFile f : files) {
                confined(dir, f.path(), flag + " file");
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
