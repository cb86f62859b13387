package dev.migrate.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only file of JSON lines, durable and honest about damage: the ledger, soak's journal
 * and retire's journal are all one of these.
 * <ul>
 *   <li>each line is written in one call and forced to disk before {@link #append} returns;</li>
 *   <li>a file whose last line was torn (a crash mid-write) gets a newline first, so the next
 *       record starts on a line of its own instead of being glued onto the fragment;</li>
 *   <li>reading returns the whole lines and, separately, every unreadable one with its line number
 *       (a fragment, bad UTF-8, not JSON), so callers can warn instead of silently skipping;</li>
 *   <li>the directory is created 0700 and the file 0600 from its first byte ({@link PrivateFiles}).</li>
 * </ul>
 * Writes go through RandomAccessFile, not a FileChannel: an interruptible channel is closed by
 * Thread.interrupt (the SIGINT hook interrupts the working thread), which would tear the record.
 */
public final class JsonlLog {
    private final Path file;
    private final String what;

    public JsonlLog(Path file) {
        this(file, "state file");
    }

    /** @param what what the file is, for messages ("the ledger", "retire's journal") */
    public JsonlLog(Path file, String what) {
        this.file = file;
        this.what = what;
    }

    public Path file() {
        return file;
    }

    /**
     * One line of the file.
     *
     * @param number     1-based line number
     * @param text       the line without its newline (decoded as UTF-8 when valid)
     * @param end        offset just past the line's newline (or the end of the file for a torn tail)
     * @param terminated whether the line ended with a newline (false only for a torn last line)
     * @param utf8       whether its bytes were valid UTF-8
     */
    public record Line(int number, String text, long end, boolean terminated, boolean utf8) {
    }

    /** @param number 1-based line number; @param reason why it could not be read */
    public record Unreadable(int number, String reason) {
        @Override
        public String toString() {
            return "line " + number + " (" + reason + ")";
        }
    }

    /** Parses one line; throws anything to mark the line unreadable (the exception's first line is the reason). */
    public interface Parser<T> {
        T parse(String line) throws Exception;
    }

    /**
     * @param records    the lines that parsed, in file order
     * @param unreadable every line that did not, with its number and why
     */
    public record Read<T>(List<T> records, List<Unreadable> unreadable) {
        /** "lines 3 (torn ...), 7 (not JSON)" for a warning, or "" when every line read. */
        public String describeUnreadable() {
            return String.join(", ", unreadable.stream().map(Unreadable::toString).toList());
        }
    }

    /** Every line of {@code bytes}; blank lines are included (callers skip them). */
    public static List<Line> lines(byte[] bytes) {
        List<Line> out = new ArrayList<>();
        int start = 0;
        int number = 0;
        while (start < bytes.length) {
            int nl = start;
            while (nl < bytes.length && bytes[nl] != '\n') {
                nl++;
            }
            number++;
            boolean terminated = nl < bytes.length;
            byte[] raw = java.util.Arrays.copyOfRange(bytes, start, nl);
            String text;
            boolean utf8 = true;
            try {
                text = UserFiles.utf8(raw, "line");
            } catch (dev.migrate.UserError notUtf8) {
                text = new String(raw, StandardCharsets.UTF_8);
                utf8 = false;
            }
            out.add(new Line(number, text, terminated ? nl + 1L : nl, terminated, utf8));
            start = nl + 1;
        }
        return out;
    }

    /** Reads every line; a missing file reads as empty. */
    public <T> Read<T> read(Parser<T> parser) throws IOException {
        try {
            Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Read<>(List.of(), List.of());
        } catch (IOException e) {
            // not a directory above it, no permission: the reader below names it
        }
        // Through the one user-file reader: a FIFO here would block the read forever, /dev/zero (or a
        // link to it) would fill memory, and a link is not a file migrate wrote.
        byte[] bytes = UserFiles.readBytes(file, what, UserFiles.STATE_CAP, false);
        List<T> records = new ArrayList<>();
        List<Unreadable> bad = new ArrayList<>();
        for (Line line : lines(bytes)) {
            if (line.text().isBlank() && line.utf8()) {
                continue;
            }
            if (!line.terminated()) {
                bad.add(new Unreadable(line.number(), "torn: no newline at its end, a write was cut short"));
                continue;
            }
            if (!line.utf8()) {
                bad.add(new Unreadable(line.number(), "not UTF-8"));
                continue;
            }
            try {
                records.add(parser.parse(line.text()));
            } catch (Exception e) {
                bad.add(new Unreadable(line.number(), reason(e)));
            }
        }
        return new Read<>(records, bad);
    }

    /**
     * Why a line did not parse, in one line. Jackson's own text is long and names Java types; the
     * operator needs only which kind of damage. Any other exception's first line is the reason.
     */
    public static String reason(Exception e) {
        String why = e instanceof com.fasterxml.jackson.core.JsonParseException ? "not JSON"
                : e instanceof com.fasterxml.jackson.core.JsonProcessingException
                ? "not a valid record: fields missing or of the wrong type"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Printable.oneLine(why.lines().findFirst().orElse(""));
    }

    /** Appends one line (no newline in it) and forces it to disk; creates the file 0600 and its directory 0700. */
    public void append(String line) throws IOException {
        PrivateFiles.ensureDir(file.toAbsolutePath().getParent());
        if (Files.isSymbolicLink(file)) {
            // RandomAccessFile would follow it and append to whatever it points at
            throw new java.nio.file.FileSystemException(file.toString(), null, "a symbolic link, not a file migrate wrote; move it away");
        }
        if (Files.isRegularFile(file) && looserThanPrivate(file)) {
            PrivateFiles.restrict(file); // a mode loosened by hand (0644) goes back to the promised 0600
        }
        if (!Files.exists(file)) {
            try {
                PrivateFiles.createFile(file);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it first: append to theirs
            }
        }
        // Locked: two processes appending at once (concurrent verify runs) would both write at the old end.
        StateLock.exclusively(file, raf -> {
            append(raf, line);
            return null;
        });
    }

    private static boolean looserThanPrivate(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file).stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"));
        } catch (UnsupportedOperationException notPosix) {
            return false;
        }
    }

    /**
     * Appends {@code line} at the end of an open file and syncs it: a newline first if the file
     * ends in a torn fragment. For writers that keep the file open (soak's journal holds a lock).
     */
    public static void append(RandomAccessFile raf, String line) throws IOException {
        line = Secrets.redact(line); // a server's error text in a record must not carry a credential to disk
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a JSON line must not contain a newline");
        }
        long length = raf.length();
        boolean torn = false;
        if (length > 0) {
            raf.seek(length - 1);
            torn = raf.read() != '\n';
        }
        raf.seek(length);
        byte[] bytes = ((torn ? "\n" : "") + line + "\n").getBytes(StandardCharsets.UTF_8);
        raf.write(bytes);
        raf.getFD().sync();
    }
}
