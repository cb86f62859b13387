package dev.migrate.io;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock for every step that changes something. An OS file lock ({@code flock}): the kernel
 * drops it when its process dies, even by kill -9, so a crash never leaves a stale lock behind.
 * Three uses, one mechanism ({@link #tryLock}):
 * <ul>
 *   <li>{@link #acquire}: a whole step (deploy's apply, retire --yes, restore, record --out,
 *       backport --out) holds {@code <state-dir>/lock} until it ends; a second one is refused at
 *       once, naming the holder (its step, pid and start, written into the lock file);</li>
 *   <li>{@link #exclusively}: a short write to a shared file (a ledger line) waits its turn,
 *       bounded, so concurrent `verify` runs never lose a record;</li>
 *   <li>a file a step keeps open and locked while it runs (soak's journal) uses {@link #tryLock}.</li>
 * </ul>
 * File locks belong to a process, so a second holder inside the same JVM (tests, threads) is
 * refused by the same rules through an in-process table.
 */
public final class StateLock implements AutoCloseable {
    public static final String FILE = "lock";
    /** How long a short write waits for another writer of the same file before giving up. */
    static final Duration WRITE_WAIT = Duration.ofSeconds(30);
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    /**
     * Step locks held by this JVM. Checked before the lock file is opened: the JVM's file locks are
     * POSIX record locks, which closing ANY descriptor of the file in the holding process drops.
     */
    private static final Map<Path, Holder> HELD = new ConcurrentHashMap<>();

    private final Path key;
    private final RandomAccessFile file;
    private final FileLock lock;

    private StateLock(Path key, RandomAccessFile file, FileLock lock) {
        this.key = key;
        this.file = file;
        this.lock = lock;
    }

    /** Who holds a step lock: written into the lock file, read back by the one refused. */
    public record Holder(String step, long pid, Instant since) {
        String describe() {
            return step + " (pid " + pid + ", since " + since + ")";
        }
    }

    /**
     * Takes the state directory's lock for {@code step} (e.g. "migrate retire --yes"), or refuses with
     * exit 4 naming the holder. Created 0600 in a 0700 directory; the file stays (removing it
     * would let two processes lock two different files).
     */
    public static StateLock acquire(Path stateDir, String step) {
        Path path = stateDir.resolve(FILE);
        Path key = path.toAbsolutePath().normalize();
        Holder me = new Holder(step, ProcessHandle.current().pid(), Instant.now());
        Holder here = HELD.putIfAbsent(key, me);
        if (here != null) {
            throw refused(stateDir, Printable.oneLine(here.describe()));
        }
        RandomAccessFile raf = null;
        try {
            PrivateFiles.ensureDir(stateDir);
            try {
                checkLockFile(stateDir);
            } catch (UserError e) {
                HELD.remove(key);
                throw e;
            }
            if (!Files.exists(path)) {
                try {
                    PrivateFiles.createFile(path);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process created it first: lock theirs
                }
            }
            raf = new RandomAccessFile(path.toFile(), "rw");
            FileLock lock = tryLock(raf.getChannel());
            if (lock == null) {
                String holder = holder(path);
                raf.close();
                HELD.remove(key);
                throw refused(stateDir, holder);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("step", me.step());
            line.put("pid", me.pid());
            line.put("since", me.since().toString());
            try {
                raf.setLength(0);
                raf.write((Json.MAPPER.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
                raf.getFD().sync();
            } catch (IOException full) {
                // The holder line only tells a refused second step who holds the lock; the lock is the
                // file lock above. A disk that filled up after the step's preconditions must not stop it
                // here: the step's own record then says what it changed and that it could not be written.
            }
            return new StateLock(key, raf, lock);
        } catch (IOException e) {
            closeQuietly(raf);
            HELD.remove(key);
            throw new UserError(ExitCodes.FAILED, "cannot lock the state directory " + stateDir + " (" + PrivateFiles.reason(e)
                    + "); check --state-dir points to a writable directory; nothing was changed", e);
        }
    }

    /**
     * Refuses a lock file that is not a regular file (a link could point the lock, and the holder
     * line written into it, anywhere; a FIFO or directory cannot be locked). A local precondition,
     * checked before a step's first remote call or output.
     */
    public static void checkLockFile(Path stateDir) {
        Path path = stateDir.resolve(FILE);
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UserError("the lock file " + path + " is not a regular file (a link, directory, FIFO or device);"
                    + " move it away (migrate creates it again); nothing was changed");
        }
    }

    /**
     * Runs a short write under an exclusive lock on {@code file} itself, waiting (at most
     * {@link #WRITE_WAIT}) while another process or thread writes it.
     */
    public static <T> T exclusively(Path file, Write<T> write) throws IOException {
        // The write goes ahead even on an interrupted thread: the record of a step stopped by SIGINT
        // is the one that matters most. The flag is set aside (an interrupted thread would close the
        // channel under tryLock) and put back afterwards; the wait is bounded by WRITE_WAIT anyway.
        boolean interrupted = Thread.interrupted();
        try {
            return exclusivelyUninterrupted(file, write);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T exclusivelyUninterrupted(Path file, Write<T> write) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock here = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        long deadline = System.nanoTime() + WRITE_WAIT.toNanos();
        try {
            if (!here.tryLock(WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to write " + file);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            FileLock lock;
            while ((lock = tryLock(raf.getChannel())) == null) {
                if (System.nanoTime() > deadline) {
                    throw busy(file);
                }
                sleep();
            }
            try {
                return write.run(raf);
            } finally {
                lock.release();
            }
        } finally {
            here.unlock();
        }
    }

    /** A write to the locked file, through the file opened for it. */
    public interface Write<T> {
        T run(RandomAccessFile file) throws IOException;
    }

    /**
     * The one primitive: an exclusive lock on an open file, or null when another process or
     * another holder in this JVM has it. The lock lives as long as the channel stays open.
     */
    public static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Releases the lock (the file stays; its holder line is stale from now on, and harmless). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the file below releases it too
        }
        closeQuietly(file);
        HELD.remove(key);
    }

    private static UserError refused(Path stateDir, String holder) {
        return new UserError(ExitCodes.REFUSED, "another migrate step holds the state directory " + stateDir + ": " + holder
                + "; wait for it to finish (or stop it), then run again; nothing was changed");
    }

    private static String holder(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.UTF_8).strip();
            Holder h = Json.MAPPER.readValue(text, Holder.class);
            return Printable.oneLine(h.describe());
        } catch (IOException | RuntimeException e) {
            return "a migrate step that has not yet said which (see " + path + ")";
        }
    }

    private static IOException busy(Path file) {
        return new IOException("another migrate process has been writing " + file + " for over "
                + WRITE_WAIT.toSeconds() + " s");
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a lock");
        }
    }

    private static void closeQuietly(RandomAccessFile raf) {
        if (raf != null) {
            try {
                raf.close();
            } catch (IOException ignored) {
                // nothing was written through it that is not already synced
            }
        }
    }
}
