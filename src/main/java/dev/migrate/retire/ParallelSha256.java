package dev.migrate.retire;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * sha256 computed on a second thread, so hashing (the slowest part of archiving on a machine
 * without SHA instructions) overlaps with reading the Engine's stream, gzip and file I/O.
 * Wrap a stream with {@link #tee(OutputStream)} or {@link #tee(InputStream)}, then call {@link #hex()}.
 */
final class ParallelSha256 implements AutoCloseable {
    private static final byte[] END = new byte[0];
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(16);
    private final MessageDigest md = TarContent.sha();
    private final Thread hasher;
    private volatile Throwable failure;
    private String hex;

    ParallelSha256() {
        hasher = new Thread(() -> {
            try {
                for (byte[] chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    md.update(chunk);
                }
            } catch (InterruptedException | RuntimeException e) {
                failure = e;
            }
        }, "archive-sha256");
        hasher.setDaemon(true);
        hasher.start();
    }

    void update(byte[] b, int off, int len) throws IOException {
        if (len <= 0) {
            return;
        }
        try {
            queue.put(Arrays.copyOfRange(b, off, off + len));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing the archive");
        }
    }

    /** Hex sha256 of everything passed so far; no more updates after this. */
    String hex() throws IOException {
        if (hex == null) {
            try {
                queue.put(END);
                hasher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while hashing the archive");
            }
            if (failure != null) {
                throw new IOException("hashing the archive failed: " + failure, failure);
            }
            hex = HexFormat.of().formatHex(md.digest());
        }
        return hex;
    }

    /** Stops the hasher if nobody will ask for the digest (an error path). */
    @Override
    public void close() {
        if (hex == null) {
            hasher.interrupt();
        }
    }

    /** Everything written to the returned stream goes to {@code out} and into the digest. */
    OutputStream tee(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                update(b, off, len);
            }
        };
    }

    /** Everything read from the returned stream goes into the digest. */
    InputStream tee(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    update(b, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] sink = new byte[(int) Math.min(n, 1 << 16)];
                return Math.max(0, read(sink, 0, sink.length));
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
