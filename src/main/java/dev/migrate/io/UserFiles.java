package dev.migrate.io;

import dev.migrate.UserError;
import dev.migrate.settings.Values;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way to read a file the operator names (settings, collector config, dashboard, checks
 * files, kubeconfig, token files): its type is checked first (a directory, a FIFO, /dev/null or a
 * device is named as such), then its size against a cap before a byte is parsed, then it is
 * decoded as strict UTF-8 (the byte offset of the first bad byte is named). Every problem is one
 * {@link UserError} line naming the file, what it was given as, and the fix; the content itself is
 * never quoted (a kubeconfig or a token file holds credentials).
 */
public final class UserFiles {
    /** Settings, checks files, kubeconfigs: far beyond any real one. */
    public static final long TEXT_CAP = 1L << 20;
    /** A collector config or a dashboard becomes a ConfigMap, which Kubernetes limits to 1 MiB. */
    public static final long CONFIG_MAP_CAP = 1L << 20;
    /** A token or user:password file. */
    public static final long SECRET_CAP = 64L << 10;
    /** The ledger and the journals: years of records, far below what would strain memory. */
    public static final long STATE_CAP = 64L << 20;

    private UserFiles() {
    }

    /**
     * @param file the path as given
     * @param what how the operator gave it, e.g. "--collector-config" or "kubeconfig (migrate.yaml)"
     * @param cap  the largest size accepted, in bytes
     */
    public static String read(Path file, String what, long cap) {
        return utf8(readBytes(file, what, cap, true), what + ": " + file);
    }

    /**
     * The bytes of {@code file} with the same checks as {@link #read}, for callers that decode
     * line by line (the ledger and the journals). With {@code followLinks} false a symbolic link
     * is refused, not followed: a state file is one migrate created, and a link there (to
     * /dev/zero, a FIFO, another user's file) is not.
     */
    public static byte[] readBytes(Path file, String what, long cap, boolean followLinks) {
        String name = what + ": " + file; // UserError escapes control characters in the whole message
        BasicFileAttributes attrs;
        try {
            attrs = followLinks ? Files.readAttributes(file, BasicFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UserError(name + " does not exist; give the path of a readable file");
        } catch (AccessDeniedException e) {
            throw denied(name, file);
        } catch (IOException e) {
            throw new UserError(name + " cannot be read: " + PrivateFiles.reason(e) + "; give the path of a readable file");
        }
        if (attrs.isSymbolicLink()) {
            throw new UserError(name + " is a symbolic link, not a file migrate wrote; move the link away"
                    + " (state files are never followed through links)");
        }
        if (attrs.isDirectory()) {
            throw new UserError(name + " is a directory, not a file; give the path of the file itself");
        }
        if (!attrs.isRegularFile()) {
            throw new UserError(name + " is " + kind(file) + ", not a regular file; "
                    + (followLinks ? "save the content to a file and give its path" : "move it away"));
        }
        if (attrs.size() > cap) {
            throw tooLarge(name, attrs.size(), cap);
        }
        byte[] bytes;
        try (InputStream in = followLinks ? Files.newInputStream(file) : Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) cap + 1); // the file may have grown since the size was read
        } catch (AccessDeniedException e) {
            throw denied(name, file);
        } catch (IOException e) {
            throw new UserError(name + " cannot be read: " + PrivateFiles.reason(e) + "; give the path of a readable file");
        }
        if (bytes.length > cap) {
            throw tooLarge(name, bytes.length, cap);
        }
        return bytes;
    }

    /** Strict UTF-8; the error names the byte offset of the first byte that is not. */
    static String utf8(byte[] bytes, String name) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new UserError(name + " is not UTF-8 text: byte " + in.position() + " (0x"
                    + String.format("%02x", bytes[in.position()] & 0xff) + ") is not valid UTF-8; save it as UTF-8");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static String kind(Path file) {
        String p = file.toString();
        if (p.equals("/dev/null")) {
            return "/dev/null (always empty)";
        }
        if (p.startsWith("/dev/fd/") || p.startsWith("/proc/self/fd/")) {
            return "a pipe (process substitution can be read only once)";
        }
        try {
            Object mode = Files.getAttribute(file, "unix:mode");
            int type = ((Integer) mode) & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    private static UserError denied(String name, Path file) {
        return new UserError(name + ": permission denied; make it readable for this user (chmod u+r "
                + Printable.quote(file.toString()) + ") or run migrate as the file's owner");
    }

    private static UserError tooLarge(String name, long size, long cap) {
        return new UserError(name + " is " + size + " bytes, over the " + Values.formatSize(cap)
                + " limit for this kind of file; give the right file (nothing was parsed)");
    }
}
