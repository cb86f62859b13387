package dev.migrate.io;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A read timeout for streams that have none: a blocking SocketChannel (the Docker socket's tar
 * path) ignores SO_TIMEOUT, so a daemon that accepts and never answers would block forever. Each
 * read arms a timer that closes the connection after {@code idle} of silence; the blocked read
 * then fails and is reported as a {@link SocketTimeoutException} naming the bound.
 */
public final class IdleTimeout {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "migrate-idle-timeout");
        t.setDaemon(true);
        return t;
    });

    private IdleTimeout() {
    }

    /** Runs {@code action} (e.g. a connect); closes {@code connection} if it takes longer than {@code limit}. */
    public static <T> T within(Duration limit, Closeable connection, IoAction<T> action) throws IOException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> timer = arm(limit, connection, fired);
        try {
            return action.run();
        } catch (IOException e) {
            if (fired.get()) {
                throw timeout(limit, e);
            }
            throw e;
        } catch (RuntimeException e) {
            if (fired.get()) { // a client that wraps the failed read (docker-java's transport does)
                throw timeout(limit, new IOException(e));
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    /** An I/O step. */
    public interface IoAction<T> {
        T run() throws IOException;
    }

    /** {@code in}, whose every read gives up after {@code idle} without a byte (closing {@code connection}). */
    public static InputStream guard(InputStream in, Closeable connection, Duration idle) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return within(idle, connection, super::read);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return within(idle, connection, () -> super.read(b, off, len));
            }
        };
    }

    private static ScheduledFuture<?> arm(Duration limit, Closeable connection, AtomicBoolean fired) {
        return TIMER.schedule(() -> {
            fired.set(true);
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing is the whole point; a failure to close leaves the read to fail by itself
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static SocketTimeoutException timeout(Duration limit, IOException cause) {
        SocketTimeoutException e = new SocketTimeoutException("no answer within " + limit.toMillis() / 1000.0
                + " s (setting read-timeout)");
        e.initCause(cause);
        return e;
    }
}
