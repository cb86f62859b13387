package dev.migrate.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Digests;
import dev.migrate.Json;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A directory that generated files go into (`record --out`, `backport --out`, `deploy --dry-run
 * --out`): checked before anything is written, then written all at once. Files are staged in a
 * hidden directory inside the target and moved into place one by one, so a failure while writing (a
 * full disk) leaves no half-written file, only files that are either the old or the new version.
 *
 * <p>A {@link #tracked()} directory also keeps {@link #INDEX}: the SHA-256 of every file as migrate
 * wrote it. A later run tells from it which files are its own ({@link #written()}) and which of those
 * a person changed since ({@link #editedSinceWritten}), so it replaces only what nobody edited. The
 * name has no .yaml/.json extension: kubectl, kustomize and Argo CD skip it when they read a directory.
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

    /** The record of what migrate wrote here, path to "sha256:..." of the content as written. */
    public static final String INDEX = ".migrate-written";
    private static final String INDEX_SCHEMA = "migrate.written/v1";

    private final Path dir;
    private final String flag;
    private final Path stateDir;
    private final boolean tracked;

    private OutputDirectory(Path dir, String flag, Path stateDir, boolean tracked) {
        this.dir = dir;
        this.flag = flag;
        this.stateDir = stateDir;
        this.tracked = tracked;
    }

    /** The same directory, whose writes also keep {@link #INDEX} up to date. */
    public OutputDirectory tracked() {
        return new OutputDirectory(dir, flag, stateDir, true);
    }

    /** The flag that named the directory, for messages. */
    public String flag() {
        return flag;
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
        if (insideByLinks(existing, state)) {
            throw new UserError(flag + " " + dir + " leads into the state directory " + stateDir + " through a symbolic link"
                    + " (private to migrate); write the files somewhere else");
        }
        dev.migrate.io.StateLock.checkLockFile(state); // written through the state directory's lock
        if (!Files.isWritable(existing) || readOnlyByMode(existing)) {
            throw new UserError(flag + " " + dir + " is read-only" + (existing.equals(abs) ? "" : " (" + existing + ")")
                    + "; make it writable (chmod u+w) or choose another directory");
        }
        return new OutputDirectory(abs, flag, stateDir, false);
    }

    /** Whether {@code existing}, with its symbolic links resolved, is the state directory or inside it. */
    private static boolean insideByLinks(Path existing, Path state) {
        try {
            return Files.exists(state) && existing.toRealPath().startsWith(state.toRealPath());
        } catch (IOException e) {
            return false; // unreadable on the way: the write itself will say so
        }
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
        Path f = confined(dir, path, flag + " file");
        if (!Files.isRegularFile(f)) {
            return java.util.Optional.empty();
        }
        // Bounded: a 3 GB file left in --out is refused by size, never loaded into memory.
        return java.util.Optional.of(dev.migrate.io.UserFiles.read(f, flag, OUTPUT_FILE_CAP));
    }

    /**
     * What migrate wrote here before, path to the digest of the content it wrote; empty when the
     * directory keeps no {@link #INDEX} (nothing written yet, or by a version before the index).
     * An index that cannot be read counts as none: nothing is then taken to be migrate's own.
     */
    public Map<String, String> written() {
        Optional<String> text = read(INDEX);
        if (text.isEmpty()) {
            return Map.of();
        }
        try {
            JsonNode files = Json.MAPPER.readTree(text.get()).path("files");
            Map<String, String> out = new TreeMap<>();
            files.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** Of {@code paths}, those migrate wrote here whose content a person has changed since (sorted). */
    public List<String> editedSinceWritten(Collection<String> paths) {
        Map<String, String> written = written();
        List<String> edited = new ArrayList<>();
        for (String path : new TreeSet<>(paths)) {
            String digest = written.get(path);
            Optional<String> now = read(path);
            if (digest != null && now.isPresent() && !digest.equals(digest(now.get()))) {
                edited.add(path);
            }
        }
        return edited;
    }

    /** Suffix of the copy kept of a file a person edited, when --force replaces it. */
    public static final String EDITED_SUFFIX = ".edited";

    /**
     * Keeps what a person changed in files migrate wrote here: without {@code force} the write is
     * refused, naming every edited file; with it, each edited file is kept as a copy
     * ({@link #EDITED_SUFFIX}, a name nothing uses yet) next to the new version.
     *
     * @param command what wrote the files, e.g. "migrate backport", for the message
     * @return {@code files}, plus a copy of each edited file when forced
     */
    public List<OutputFile> keepingEdits(List<OutputFile> files, boolean force, String command) {
        List<String> edited = editedSinceWritten(files.stream().filter(f -> read(f.path()).map(old -> !old.equals(f.content()))
                .orElse(false)).map(OutputFile::path).toList());
        if (edited.isEmpty()) {
            return files;
        }
        if (!force) {
            throw new UserError(flag + " " + dir + ": " + String.join(", ", edited) + (edited.size() == 1 ? " was" : " were")
                    + " changed by hand since " + command + " wrote " + (edited.size() == 1 ? "it" : "them")
                    + "; nothing was written. Move the changes into migrate's settings (or your own copy of the source), or run"
                    + " again with --force to replace " + (edited.size() == 1 ? "it" : "them") + " and keep each edited file as <file>"
                    + EDITED_SUFFIX);
        }
        List<OutputFile> out = new ArrayList<>(files);
        out.addAll(editedCopies(edited, files));
        return out;
    }

    /**
     * A copy of each of {@code edited} (files a person changed that a run replaces or removes), each under
     * a name ({@link #EDITED_SUFFIX}) that nothing in the directory nor in {@code files} uses yet.
     */
    public List<OutputFile> editedCopies(List<String> edited, List<OutputFile> files) {
        List<OutputFile> copies = new ArrayList<>();
        List<String> taken = new ArrayList<>(files.stream().map(OutputFile::path).toList());
        for (String path : edited) {
            String copy = freeName(path, EDITED_SUFFIX, taken);
            taken.add(copy);
            copies.add(new OutputFile(copy, read(path).orElseThrow()));
        }
        return copies;
    }

    /**
     * A name for a copy of {@code path} that nothing in the directory (nor {@code taken}) uses yet:
     * path + suffix, then path + suffix + "-2", "-3" ... so an older copy is never replaced.
     */
    public String freeName(String path, String suffix, Collection<String> taken) {
        String name = path + suffix;
        for (int i = 2; Files.exists(dir.resolve(name)) || taken.contains(name); i++) {
            name = path + suffix + "-" + i;
        }
        return name;
    }

    /** Writes every file (staged, then moved into place) and returns the absolute paths written. */
    public List<Path> write(List<OutputFile> files) {
        return write(files, List.of());
    }

    /**
     * Writes every file as {@link #write(List)} does, then removes {@code remove}: files an earlier run
     * wrote here that are generated no more (the caller decided that nobody edited them, or kept a copy).
     */
    public List<Path> write(List<OutputFile> files, List<String> remove) {
        if (tracked) {
            List<OutputFile> withIndex = new ArrayList<>(files);
            withIndex.add(new OutputFile(INDEX, index(files, remove)));
            List<Path> written = writeAll(withIndex, remove);
            return written.subList(0, files.size());
        }
        return writeAll(files, remove);
    }

    /** The index after writing {@code files}: theirs, plus earlier entries of files that are still there and stay. */
    private String index(List<OutputFile> files, List<String> remove) {
        Map<String, String> entries = new TreeMap<>();
        written().forEach((path, digest) -> {
            if (Files.isRegularFile(dir.resolve(path)) && !remove.contains(path)) {
                entries.put(path, digest);
            }
        });
        files.forEach(f -> entries.put(f.path(), digest(f.content())));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", INDEX_SCHEMA);
        doc.put("note", "what migrate wrote here; a file whose digest differs was changed by a person and is not"
                + " replaced without --force");
        doc.put("files", entries);
        try {
            return Json.MAPPER.writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    private static String digest(String content) {
        return "sha256:" + Digests.sha256Hex(content);
    }

    /**
     * Refuses, before anything is written or printed, files whose place is taken by a directory: a move
     * onto it would fail halfway through the files.
     */
    public void checkTargets(List<OutputFile> files) {
        for (OutputFile f : files) {
            if (Files.isDirectory(dir.resolve(f.path()), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new UserError(flag + " " + dir.resolve(f.path()) + " is a directory where migrate writes a file;"
                        + " move it away; nothing was written");
            }
        }
    }

    private List<Path> writeAll(List<OutputFile> files, List<String> remove) {
        checkTargets(files);
        List<Path> removals = remove.stream().map(r -> confined(dir, r, flag + " file")).toList();
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
            for (Path r : removals) {
                Files.deleteIfExists(r);
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
