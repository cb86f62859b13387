package dev.migrate.io;

import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The bounds on every connection migrate opens (API server, Docker engine, Prometheus, Loki,
 * Grafana, Alertmanager): how long a connect may take, how long an open connection may stay
 * silent, and how large an answer may be before it is refused instead of buffered. Settings
 * connect-timeout, read-timeout and max-response-size; the defaults suit a homelab on a LAN.
 *
 * @param connect          TCP (and TLS) connect
 * @param read             longest silence while waiting for bytes of an answer
 * @param maxResponseBytes largest answer body held in memory
 */
public record Limits(Duration connect, Duration read, long maxResponseBytes) {
    public static final Limits DEFAULT = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(60), 64L << 20);

    public static Limits of(Settings settings) {
        return new Limits(settings.connectTimeout(), settings.readTimeout(), settings.maxResponseSize());
    }

    /** An answer larger than {@link #maxResponseBytes}: refused, never buffered whole. */
    public static final class TooLarge extends IOException {
        private final long limit;

        public TooLarge(long limit) {
            super("the answer is larger than " + Values.formatSize(limit) + " (setting "
                    + SettingKeys.MAX_RESPONSE_SIZE.name() + ")");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** Reads {@code in} to the end, refusing more than {@link #maxResponseBytes} (the stream is not drained). */
    public byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            total += n;
            if (total > maxResponseBytes) {
                throw new TooLarge(maxResponseBytes);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Whether a declared Content-Length already exceeds the cap (so nothing needs to be read). */
    public boolean tooLarge(long contentLength) {
        return contentLength > maxResponseBytes;
    }
}
