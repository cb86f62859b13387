package dev.migrate.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.JsonlLog;
import dev.migrate.io.PrivateFiles;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The soak's append-only journal (JSON lines): a {@link JournalHeader}, one {@link CycleRecord} per
 * cycle, and an {@link EndRecord} once decided. Every line is written in one call and forced to disk
 * before the cycle counts, so after a crash only the last line can be torn; reading drops it with a
 * warning and resuming cuts it off. Lines are written by {@link JsonlLog}, the ledger's and retire's writer.
 */
public final class Journal implements Closeable {
    static final ObjectMapper LINE = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private final Path path;
    private final RandomAccessFile file;
    private final Consumer<String> echo;

    private Journal(Path path, RandomAccessFile file, Consumer<String> echo) {
        this.path = path;
        this.file = file;
        this.echo = echo;
    }

    /**
     * What a journal file holds.
     *
     * @param header     the first line
     * @param cycles     how many cycle records
     * @param end        the end record, or null while the soak is running
     * @param validBytes length of the file up to the last whole record
     */
    public record Contents(JournalHeader header, long cycles, EndRecord end, long validBytes) {
        public boolean finished() {
            return end != null;
        }
    }

    /** Receives each record in file order. */
    public interface Reader {
        void header(JournalHeader header);

        void cycle(CycleRecord cycle);

        default void end(EndRecord end) {
        }
    }

    /**
     * Reads a journal, streaming records to {@code reader}. The lines come from {@link JsonlLog#lines};
     * the soak's own rules are on top: the header first and only once, nothing after the end record,
     * and damage allowed only on the last line (a torn or garbled write that a crash cut short),
     * which is skipped with a warning. Damage anywhere else is an error (the journal is not trustworthy).
     */
    public static Contents read(Path file, Reader reader, Consumer<String> warn) {
        // The one user-file reader: a FIFO, a device or a link in its place is refused, not read forever.
        byte[] bytes;
        try {
            bytes = dev.migrate.io.UserFiles.readBytes(file, "soak journal", dev.migrate.io.UserFiles.STATE_CAP, false);
        } catch (UserError e) {
            String why = e.getMessage().replace("soak journal: " + file + " ", "").replaceFirst(";.*", "");
            throw new UserError("cannot read the soak journal " + file + " (" + why
                    + "); fix its permissions, or start over with 'migrate soak --restart'");
        }
        JournalHeader header = null;
        EndRecord end = null;
        long cycles = 0;
        long valid = 0;
        List<JsonlLog.Line> lines = JsonlLog.lines(bytes);
        for (JsonlLog.Line line : lines) {
            if (!line.terminated()) {
                warn.accept("soak journal " + file + ": ignoring a torn last record (line " + line.number() + ", "
                        + (line.end() - valid) + " bytes without a newline; the process stopped mid-write)");
                break;
            }
            try {
                if (!line.utf8()) {
                    throw new IOException("not UTF-8");
                }
                JsonNode node = LINE.readTree(line.text());
                String type = node.path("type").asText();
                if (header == null && !JournalHeader.TYPE.equals(type)) {
                    throw new IOException("the first record is not a header");
                }
                if (end != null) {
                    throw new IOException("a record after the end record");
                }
                switch (type) {
                    case JournalHeader.TYPE -> {
                        if (header != null) {
                            throw new IOException("a second header");
                        }
                        header = LINE.treeToValue(node, JournalHeader.class);
                        if (header.version() != JournalHeader.VERSION) {
                            throw new IOException("format version " + header.version() + " is not " + JournalHeader.VERSION);
                        }
                        reader.header(header);
                    }
                    case CycleRecord.TYPE -> {
                        reader.cycle(LINE.treeToValue(node, CycleRecord.class));
                        cycles++;
                    }
                    case EndRecord.TYPE -> {
                        end = LINE.treeToValue(node, EndRecord.class);
                        reader.end(end);
                    }
                    default -> throw new IOException("unknown record type '" + type + "'");
                }
            } catch (IOException | IllegalArgumentException e) {
                String why = JsonlLog.reason(e);
                if (line.number() == lines.size() && header != null) {
                    warn.accept("soak journal " + file + ": ignoring a damaged last record (line " + line.number()
                            + ": " + why + ")");
                    break;
                }
                throw new UserError("soak journal " + file + " is damaged at line " + line.number() + " ("
                        + why + "); move it away or start over with 'migrate soak --restart'");
            }
            valid = line.end();
        }
        if (header == null) {
            throw new UserError("soak journal " + file + " has no header record; start over with 'migrate soak --restart'");
        }
        return new Contents(header, cycles, end, valid);
    }

    /** Whether the file holds not even one whole record (a crash while the header was being written). */
    public static boolean holdsNothing(Path file) {
        try {
            byte[] bytes = dev.migrate.io.UserFiles.readBytes(file, "soak journal", dev.migrate.io.UserFiles.STATE_CAP, false);
            return JsonlLog.lines(bytes).stream().noneMatch(JsonlLog.Line::terminated);
        } catch (UserError e) {
            return false; // unreadable: read() will say so
        }
    }

    /** Creates a new journal (0600) holding only {@code header}. Fails if the file exists. */
    public static Journal create(Path file, JournalHeader header, Consumer<String> echo) {
        try {
            PrivateFiles.ensureDir(file.toAbsolutePath().getParent());
            PrivateFiles.createFile(file); // 0600 from the first byte
            Journal j = new Journal(file, open(file), echo);
            j.write(header);
            return j;
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    /** Opens an existing journal for appending after its last whole record (cutting a torn tail). */
    public static Journal resume(Path file, Contents contents, Consumer<String> echo) {
        try {
            // Locked before cutting: a torn tail may be another live soak's write in progress.
            RandomAccessFile raf = open(file);
            if (raf.length() > contents.validBytes()) {
                raf.setLength(contents.validBytes());
                raf.getFD().sync();
            }
            raf.seek(raf.length());
            Journal j = new Journal(file, raf, echo);
            if (echo != null) {
                // The in-cluster soak replays what it already has, so its pod log always holds the whole journal.
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    echo.accept(line);
                }
            }
            return j;
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    /**
     * A RandomAccessFile, not a FileChannel, for writing: a channel is closed by Thread.interrupt (the
     * SIGINT hook interrupts the soak's thread), which would tear the record being written.
     */
    private static RandomAccessFile open(Path file) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        lock(file, raf);
        raf.seek(raf.length());
        return raf;
    }

    public Path file() {
        return path;
    }

    /** Appends one record and forces it to disk; only then does the caller count it. */
    public void write(Object record) {
        try {
            String line = LINE.writeValueAsString(record);
            JsonlLog.append(file, line);
            if (echo != null) {
                echo.accept(line);
            }
        } catch (IOException e) {
            throw unwritable(path, e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing buffered: every record was forced when written
        }
    }

    /** Refuses (like a second writer) when a live `migrate soak` holds the journal, e.g. before archiving it. */
    public static void ensureIdle(Path file) {
        try {
            open(file).close();
        } catch (IOException e) {
            throw unwritable(file, e);
        }
    }

    /** One writer per journal: a second `migrate soak` on the same state directory is refused. */
    private static void lock(Path file, RandomAccessFile raf) throws IOException {
        if (dev.migrate.io.StateLock.tryLock(raf.getChannel()) == null) {
            raf.close();
            throw new UserError(ExitCodes.REFUSED, "another 'migrate soak' is already writing " + file
                    + "; watch it with 'migrate soak --report', or stop it (Ctrl-C) before starting this one");
        }
    }

    private static UserError unwritable(Path file, IOException e) {
        return new UserError(ExitCodes.FAILED, "cannot write the soak journal " + file + " (" + e
                + "); free disk space or fix permissions, then run 'migrate soak' again to resume", e);
    }
}
