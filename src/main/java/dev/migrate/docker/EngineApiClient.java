package dev.migrate.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.IdleTimeout;
import dev.migrate.io.Printable;
import dev.migrate.io.Limits;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Raw Engine API calls. JSON calls go over docker-java's zerodep transport (its command layer
 * lacks fields retire needs: mount types, restart-policy update, /system/df), parsed with
 * Jackson; volume tars go over a plain JDK socket channel ({@link #bulkGet}, {@link #upload}).
 * Paths are pinned to the API version the daemon reports.
 */
final class EngineApiClient implements AutoCloseable {
    private final DockerHost host;
    private final DockerHttpClient http;
    private final Limits limits;
    private String prefix = "";

    EngineApiClient(DockerHost host) {
        this(host, Limits.DEFAULT);
    }

    /** Every call bounded by {@code limits}: connect, silence on an open connection, answer size. */
    EngineApiClient(DockerHost host, Limits limits) {
        this.host = host;
        this.limits = limits;
        this.http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(host.uri()))
                .connectionTimeout(limits.connect())
                .responseTimeout(limits.read())
                .maxConnections(8)
                .build();
    }

    DockerHost host() {
        return host;
    }

    /** Reads the daemon's API version (unversioned /version) and pins later paths to it. */
    JsonNode version() {
        JsonNode v = json("GET", "/version", null);
        prefix = "/v" + v.path("ApiVersion").asText();
        return v;
    }

    JsonNode json(String method, String path, Object body) {
        Exchanged r = exchange(method, path, body);
        checkStatus(method, path, r.status(), r.body());
        if (r.body().length == 0) {
            return Json.MAPPER.nullNode();
        }
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException notJson) {
            throw wrongKind(method, path, r.body());
        }
    }

    private record Exchanged(int status, byte[] body) {
    }

    /**
     * One request and its whole (bounded) answer, given up after read-timeout (plus the seconds a
     * stop may take) for the WHOLE call, not per read: docker-java's transport does not time out a
     * read on a unix socket, and a per-read timeout never fires for an engine that trickles a byte
     * at a time. On time-out the transport is closed.
     */
    private Exchanged exchange(String method, String path, Object body) {
        java.util.regex.Matcher wait = java.util.regex.Pattern.compile("/stop\\?t=(\\d+)").matcher(path);
        Duration limit = limits.read().plusSeconds(wait.find() ? Long.parseLong(wait.group(1)) : 0);
        java.util.concurrent.atomic.AtomicBoolean answering = new java.util.concurrent.atomic.AtomicBoolean();
        // On its own thread: the deadline holds even where closing the transport does not wake a blocked read.
        java.util.concurrent.Future<Exchanged> call = CALLS.submit(() -> {
            try (Response r = send(method, path, body)) {
                answering.set(true);
                return new Exchanged(r.getStatusCode(), readBody(method, path, r));
            }
        });
        try {
            return call.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            call.cancel(true);
            close(); // the transport is abandoned with the call; the run ends with this error
            throw unreachable(overDeadline(method, path, limit, answering.get(), new IOException("deadline")));
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw unreachable(new java.io.InterruptedIOException());
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof IOException io) {
                throw unreachable(io);
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Threads for the JSON calls (daemon: an abandoned call never keeps the JVM alive). */
    private static final java.util.concurrent.ExecutorService CALLS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "migrate-docker-call");
        t.setDaemon(true);
        return t;
    });

    /** The call's deadline passed: names the call, and whether nothing came or the answer came too slowly. */
    private static java.net.SocketTimeoutException overDeadline(String method, String path, Duration limit, boolean started,
                                                                IOException cause) {
        String secs = limit.toMillis() / 1000.0 + " s (setting read-timeout)";
        java.net.SocketTimeoutException e = new java.net.SocketTimeoutException(method + " " + path + ": " + (started
                ? "no whole answer within " + secs + "; the engine sent it too slowly" : "no answer within " + secs));
        e.initCause(cause);
        return e;
    }

    /** The answer's body, bounded by max-response-size (a refusal names the call and the setting). */
    private byte[] readBody(String method, String path, Response r) throws IOException {
        try {
            return limits.readBody(r.getBody());
        } catch (Limits.TooLarge e) {
            throw new UserError(ExitCodes.FAILED, "the Docker endpoint at " + host.uri() + " (" + host.source() + ") answered "
                    + method + " " + path + ": " + e.getMessage() + "; is --docker-host the Docker engine?", e);
        }
    }

    /** HTML or other non-JSON where the Engine API answers JSON: a proxy or web server, not dockerd. */
    private UserError wrongKind(String method, String path, byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).stripLeading();
        String what = text.startsWith("<") ? "an HTML page" : "something that is not JSON";
        return new UserError(ExitCodes.FAILED, "the Docker endpoint at " + host.uri() + " (" + host.source() + ") answered "
                + method + " " + path + " with " + what + " instead of the Engine API's JSON; point --docker-host"
                + " (or DOCKER_HOST) at the Docker engine itself");
    }

    /** Status code only; 404 is returned, other errors are thrown. */
    int call(String method, String path, Object body) {
        Exchanged r = exchange(method, path, body);
        if (r.status() != 404) {
            checkStatus(method, path, r.status(), r.body());
        }
        return r.status();
    }

    /**
     * A large response body (a volume's tar) read straight from a JDK socket channel with an
     * HTTP/1.0 request, so the body is the rest of the connection. The zerodep transport streams
     * such bodies at about 25 MB/s here, where the Engine serves 300 MB/s to the docker CLI.
     */
    InputStream bulkGet(String path) {
        SocketChannel ch = null;
        try {
            ch = connect();
            String request = "GET " + prefix + path + " HTTP/1.0\r\nHost: docker\r\nUser-Agent: migrate\r\n\r\n";
            Channels.newOutputStream(ch).write(request.getBytes(StandardCharsets.US_ASCII));
            // A channel has no SO_TIMEOUT: every read is bounded by read-timeout of silence (IdleTimeout).
            InputStream in = new BufferedInputStream(IdleTimeout.guard(Channels.newInputStream(ch), ch, limits.read()), 1 << 20);
            // The status and headers within read-timeout as a whole (a trickling engine); the body, whose
            // length is the volume's, is bounded by silence (the guard above).
            String status = headDeadline("GET", path, ch, in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: " + status);
            }
            if (!parts[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP answer: " + status);
            }
            int code = Integer.parseInt(parts[1]);
            if (code >= 300) {
                byte[] body = limits.readBody(in);
                ch.close();
                checkStatus("GET", path, code, body);
            }
            return in;
        } catch (IOException e) {
            closeQuietly(ch);
            throw unreachable(e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private SocketChannel connect() throws IOException {
        URI uri = URI.create(host.uri());
        boolean unix = "unix".equals(uri.getScheme());
        SocketChannel ch = unix ? SocketChannel.open(java.net.StandardProtocolFamily.UNIX) : SocketChannel.open();
        try {
            return IdleTimeout.within(limits.connect(), ch, () -> {
                ch.connect(unix ? UnixDomainSocketAddress.of(uri.getPath())
                        : new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()));
                return ch;
            });
        } catch (IOException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** Reads the status line and skips the headers, all within read-timeout; returns the status line. */
    private String headDeadline(String method, String path, SocketChannel ch, InputStream in) throws IOException {
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            return IdleTimeout.within(limits.read(), ch, () -> {
                String status = line(in);
                started.set(true);
                while (!line(in).isEmpty()) {
                    // headers: a GET's body runs to the end of the connection; an upload's answer is a status
                }
                return status;
            });
        } catch (java.net.SocketTimeoutException e) {
            throw overDeadline(method, path, limits.read(), started.get(), e);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the HTTP header");
            }
            if (s.length() > 8192) {
                throw new IOException("an HTTP header line longer than 8 KiB: not the Docker engine");
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    /** Sends a tar stream as the request body, chunked, over a JDK socket channel (see {@link #bulkGet}). */
    void upload(String path, InputStream tar) {
        SocketChannel ch = null;
        try {
            ch = connect();
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            out.write(("PUT " + prefix + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: migrate\r\n"
                    + "Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[1 << 20];
            for (int n = tar.readNBytes(buf, 0, buf.length); n > 0; n = tar.readNBytes(buf, 0, buf.length)) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(buf, 0, n);
                out.write(CRLF);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(IdleTimeout.guard(Channels.newInputStream(ch), ch, limits.read()));
            String[] status = headDeadline("PUT", path, ch, in).split(" ", 3);
            if (status.length < 2 || !status[1].matches("\\d{3}")) {
                throw new IOException("not an HTTP answer to the upload: " + String.join(" ", status));
            }
            checkStatus("PUT", path, Integer.parseInt(status[1]), limits.readBody(in));
        } catch (IOException e) {
            throw unreachable(e);
        } finally {
            closeQuietly(ch);
        }
    }

    private Response send(String method, String path, Object body) {
        Request.Builder b = Request.builder().method(Request.Method.valueOf(method)).path(prefix + path);
        try {
            if (body != null) {
                b.bodyBytes(Json.MAPPER.writeValueAsBytes(body)).putHeader("Content-Type", "application/json");
            }
            return http.execute(b.build());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (RuntimeException e) {
            if (rootCause(e) instanceof IOException io) {
                throw unreachable(io);
            }
            throw e;
        }
    }

    private void checkStatus(String method, String path, int status, byte[] body) {
        if (status < 300 || status == 304) {
            return;
        }
        String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        String message;
        try {
            message = Json.MAPPER.readTree(body).path("message").asText(text);
        } catch (IOException e) {
            message = text.stripLeading().startsWith("<") ? "(an HTML page, not the Engine API: is --docker-host the Docker"
                    + " engine?)" : text;
        }
        message = Printable.oneLine(message);
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        throw new DockerEngine.EngineException(status, method + " " + path + ": " + status + " " + message);
    }

    /** One line naming the host and the likely fix. */
    UserError unreachable(IOException e) {
        String why = describe(e);
        Throwable root = rootCause(e);
        if (e instanceof java.net.SocketTimeoutException) {
            root = e; // "no answer within N s (setting read-timeout)" says more than the closed socket under it
        }
        if (root != e && root.getMessage() != null) {
            why = root.getMessage();
        }
        String lower = why.toLowerCase(java.util.Locale.ROOT);
        String fix;
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            fix = "add your user to the 'docker' group (then log in again) or run as root";
        } else {
            fix = "start Docker, or point --docker-host / DOCKER_HOST at the engine that runs the old stack";
        }
        return new UserError(ExitCodes.FAILED, "cannot reach the Docker engine at " + host.uri() + " (" + host.source()
                + "): " + why + "; " + fix, e);
    }

    /** A failure's own words; the JDK leaves some without a message (a channel closed under a read), never "null". */
    private static String describe(IOException e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        if (e instanceof java.nio.channels.ClosedByInterruptException || e instanceof java.io.InterruptedIOException) {
            return "interrupted while waiting for the engine's answer";
        }
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return "the connection was closed while waiting for the engine's answer";
        }
        return "the connection failed without a reason";
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    static String query(Map<String, ?> filters) {
        try {
            return java.net.URLEncoder.encode(Json.MAPPER.writeValueAsString(filters), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // closing a socket pool; nothing to recover
        }
    }
}
