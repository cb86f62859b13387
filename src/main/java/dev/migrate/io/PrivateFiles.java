package dev.migrate.io;

import dev.migrate.UserError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner may read: directories are created 0700 and files 0600 from the first
 * byte (the mode is given at creation, so a write that fails halfway never leaves a readable
 * file), and whole files are replaced atomically (temp file in the same directory, fsync, rename),
 * so a full disk leaves the old file or none, never a 0-byte or half-written one.
 */
public final class PrivateFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} and any missing parents, each 0700; an existing directory is left as it is. */
    public static void ensureDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (POSIX) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
            Files.setPosixFilePermissions(dir, DIR); // the umask may have taken bits away; never added any
        } else {
            Files.createDirectories(dir);
        }
    }

    /** Creates an empty file that is 0600 from the start; fails if it exists. */
    public static void createFile(Path file) throws IOException {
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } else {
            Files.createFile(file);
        }
    }

    /** Sets 0600 on an existing file. */
    public static void restrict(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    /** Replaces (or creates) {@code file} with {@code content}, atomically and 0600; the parent must exist. */
    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, content, FILE);
    }

    /**
     * The same with these permissions (null: the platform's default), for a file others must read, such as
     * a machine-wide settings file.
     */
    public static void replace(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        FileAttribute<?>[] attrs = POSIX && permissions != null
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (POSIX && permissions != null && !permissions.equals(FILE)) {
                Files.setPosixFilePermissions(tmp, permissions); // creation is subject to the umask
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Checks, without leaving anything behind, that {@code dir} is (or can be created as) a
     * directory this process can write: the nearest existing ancestor must be a directory in which
     * a file can be created. Run before the first remote call, so a step never changes a cluster or
     * an engine and then finds it cannot record what it did.
     *
     * @param what how the operator set it, e.g. "state directory (--state-dir)"
     * @param fix  what to do, e.g. "choose a writable --state-dir"
     */
    public static void checkWritableDir(Path dir, String what, String fix) {
        Path abs = dir.toAbsolutePath().normalize();
        Path probe = abs;
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent();
        }
        String name = what + " " + Printable.quote(dir.toString());
        if (probe == null) {
            throw new UserError(name + " cannot be created (no existing parent); " + fix);
        }
        if (!Files.isDirectory(probe)) {
            throw new UserError(name + (probe.equals(abs) ? " is a file, not a directory"
                    : ": " + Printable.quote(probe.toString()) + " is a file, not a directory") + "; " + fix);
        }
        try {
            Path tmp = Files.createTempFile(probe, ".migrate-probe-", ".tmp");
            Files.delete(tmp);
        } catch (FileAlreadyExistsException e) {
            // cannot happen with a random name; treat as writable
        } catch (IOException e) {
            String where = probe.equals(abs) ? "" : " (its parent " + Printable.quote(probe.toString()) + ")";
            throw new UserError(name + " is not writable" + where + ": " + reason(e) + "; " + fix);
        }
    }

    /** A short reason for an I/O failure: "permission denied", "no space left on device", ... */
    public static String reason(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way (" + Printable.oneLine(m) + " exists and is not a directory)";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        String one = Printable.oneLine(m);
        // "No space left on device" reads as part of the sentence it goes into
        return one.isEmpty() ? one : Character.toLowerCase(one.charAt(0)) + one.substring(1);
    }
}
