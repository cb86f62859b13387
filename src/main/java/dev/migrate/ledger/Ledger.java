package dev.migrate.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.Json;
import dev.migrate.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The state directory: an append-only ledger.jsonl with one {@link StepRecord} per step run, plus
 * the reports those runs wrote. Directory 0700, files 0600: the ledger may name hosts and paths.
 */
public final class Ledger {
    public static final String FILE = "ledger.jsonl";
    private static final ObjectMapper LINE = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    public Ledger(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Appends one record and forces it to disk before returning. */
    public void append(StepRecord record) {
        ensureDir();
        Path file = dir.resolve(FILE);
        try {
            boolean fresh = !Files.exists(file);
            byte[] line = (LINE.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(line));
                ch.force(true);
            }
            if (fresh) {
                restrict(file);
            }
        } catch (IOException e) {
            throw new UserError("cannot write the ledger " + file + ": " + e.getMessage()
                    + "; check --state-dir points to a writable directory");
        }
    }

    /** All records, oldest first. A torn last line (a crash mid-write) is ignored. */
    public List<StepRecord> all() {
        Path file = dir.resolve(FILE);
        List<StepRecord> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(LINE.readValue(line, StepRecord.class));
                } catch (IOException torn) {
                    // only a partly written record; the ones before it stand
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read the ledger " + file + ": " + e.getMessage());
        }
        return out;
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
            if (!Files.isDirectory(sub)) {
                Files.createDirectories(sub);
                restrictDir(sub);
            }
        } catch (IOException e) {
            throw new UserError("cannot create " + sub + ": " + e.getMessage());
        }
        return sub;
    }

    /** Writes a state file with owner-only permissions. */
    public Path writePrivate(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            restrict(file);
            return file;
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void ensureDir() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                restrictDir(dir);
            }
        } catch (IOException e) {
            throw new UserError("cannot create the state directory " + dir + ": " + e.getMessage()
                    + "; choose a writable --state-dir");
        }
    }

    public static void restrict(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
    }

    private static void restrictDir(Path d) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
