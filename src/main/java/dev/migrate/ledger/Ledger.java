package dev.migrate.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.JsonlLog;
import dev.migrate.io.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The state directory: an append-only ledger.jsonl with one {@link StepRecord} per step run, plus
 * the reports those runs wrote. Directory 0700, files 0600: the ledger may name hosts and paths.
 * The file is a {@link JsonlLog}: a torn last line never swallows the next record, and unreadable
 * lines are reported with their numbers ({@link #read()}), not silently skipped.
 */
public final class Ledger {
    public static final String FILE = "ledger.jsonl";
    private static final ObjectMapper LINE = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public Ledger(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Appends one record and forces it to disk before returning. */
    public void append(StepRecord record) {
        Path file = dir.resolve(FILE);
        try {
            new JsonlLog(file).append(LINE.writeValueAsString(record));
        } catch (IOException e) {
            throw new UserError("cannot write the ledger " + file + ": " + PrivateFiles.reason(e)
                    + "; check --state-dir points to a writable directory");
        }
    }

    /** All readable records, oldest first; see {@link #read()} for the lines that could not be read. */
    public List<StepRecord> all() {
        return read().records();
    }

    /** The readable records and every unreadable line with its number (a torn write, a hand edit). */
    public JsonlLog.Read<StepRecord> read() {
        Path file = dir.resolve(FILE);
        try {
            return new JsonlLog(file).read(line -> {
                StepRecord r = LINE.readValue(line, StepRecord.class);
                if (r.step() == null || r.outcome() == null || r.settingsDigest() == null) {
                    throw new IllegalArgumentException("not a step record (step, outcome or settingsDigest missing)");
                }
                return r;
            });
        } catch (IOException e) {
            throw new UserError("cannot read the ledger " + file + ": " + PrivateFiles.reason(e)
                    + "; fix its permissions or point --state-dir elsewhere");
        }
    }

    public Optional<StepRecord> latest(String step) {
        List<StepRecord> all = all();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).step().equals(step)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** Creates (0700) and returns a sub-directory of the state directory, e.g. "reports". */
    public Path subdir(String name) {
        ensureDir();
        Path sub = dir.resolve(name);
        try {
            PrivateFiles.ensureDir(sub);
        } catch (IOException e) {
            throw new UserError("cannot create " + sub + ": " + PrivateFiles.reason(e)
                    + "; choose a writable --state-dir");
        }
        return sub;
    }

    /** Writes a state file atomically with owner-only permissions (0600 from its first byte). */
    public Path writePrivate(Path file, String content) {
        try {
            PrivateFiles.ensureDir(file.toAbsolutePath().getParent());
            PrivateFiles.replace(file, content.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + PrivateFiles.reason(e)
                    + "; free disk space or choose a writable --state-dir (nothing was left half-written)");
        }
    }

    /**
     * Writes a new state file named {@code stem + suffix} in {@code dir}, or {@code stem-2 + suffix},
     * {@code -3}... when another run took the name (two runs in the same second): the name is
     * reserved by an exclusive create, so no run ever replaces another's file. Returns the path.
     */
    public Path writeNew(Path dir, String stem, String suffix, String content) {
        for (int n = 1; ; n++) {
            Path file = dir.resolve(stem + (n == 1 ? "" : "-" + n) + suffix);
            try {
                PrivateFiles.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                continue;
            } catch (IOException e) {
                throw new UserError("cannot write " + file + ": " + PrivateFiles.reason(e)
                        + "; free disk space or choose a writable --state-dir");
            }
            try {
                return writePrivate(file, content);
            } catch (UserError e) {
                try {
                    Files.deleteIfExists(file); // the empty reservation: no 0-byte report is left behind
                } catch (IOException ignored) {
                    // the message below is what matters; the empty file names no run
                }
                throw e;
            }
        }
    }

    /**
     * Refuses, before any remote call, a state directory that cannot be written (a file, a
     * read-only parent): a step must never change a cluster and then find it cannot record it.
     */
    public void checkWritable() {
        PrivateFiles.checkWritableDir(dir, "state directory (state-dir)", "choose a writable --state-dir");
        Path file = dir.resolve(FILE);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UserError("the ledger " + file + " is not a regular file; move it away");
        }
        dev.migrate.io.StateLock.checkLockFile(dir);
    }

    private void ensureDir() {
        try {
            PrivateFiles.ensureDir(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the state directory " + dir + ": "
                    + PrivateFiles.reason(e) + "; choose a writable --state-dir");
        }
    }

    public static void restrict(Path file) throws IOException {
        PrivateFiles.restrict(file);
    }
}
