package dev.migrate.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small HTTP server on 127.0.0.1 for doubles of APIs that cannot run here (Loki, Grafana) and
 * for faults (HTML, truncated bodies, slow answers, 401/5xx). Routes match the exact path; an
 * unrouted path answers 404 like the real servers do. Every request is recorded.
 */
public final class FakeHttpServer implements AutoCloseable {
    /** What arrived. {@code query} maps each name to all its values (match[] repeats). */
    public record Recorded(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                           byte[] bytes) {
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public String param(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * @param truncateTo when >= 0, announce the full length but send only this many bytes and close
     */
    public record Reply(int status, String contentType, String body, long delayMs, int truncateTo) {
        public static Reply json(String body) {
            return new Reply(200, "application/json", body, 0, -1);
        }

        public static Reply text(int status, String body) {
            return new Reply(status, "text/plain; charset=utf-8", body, 0, -1);
        }

        public static Reply html(int status) {
            return new Reply(status, "text/html", "<!doctype html><html><head><title>Sign in</title></head>"
                    + "<body>Please log in</body></html>", 0, -1);
        }

        public Reply status(int code) {
            return new Reply(code, contentType, body, delayMs, truncateTo);
        }

        public Reply delayed(long ms) {
            return new Reply(status, contentType, body, ms, truncateTo);
        }

        public Reply truncated(int bytes) {
            return new Reply(status, contentType, body, delayMs, bytes);
        }
    }

    private final HttpServer server;
    private final Map<String, Function<Recorded, Reply>> routes = new ConcurrentHashMap<>();
    private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());

    private FakeHttpServer(InetSocketAddress address) {
        try {
            server = HttpServer.create(address, 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeHttpServer start() {
        return new FakeHttpServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** On a given address, e.g. the pod IP and port of a double inside a homelab world's private network. */
    public static FakeHttpServer startOn(String host, int port) {
        return new FakeHttpServer(new InetSocketAddress(host, port));
    }

    public FakeHttpServer on(String path, Reply reply) {
        return on(path, r -> reply);
    }

    public FakeHttpServer on(String path, Function<Recorded, Reply> reply) {
        routes.put(path, reply);
        return this;
    }

    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Recorded> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Recorded> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            Recorded rec = new Recorded(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    parseQuery(ex.getRequestURI().getRawQuery()), headers, ex.getRequestBody().readAllBytes());
            requests.add(rec);
            Function<Recorded, Reply> route = routes.get(rec.path());
            Reply reply = route == null ? Reply.text(404, "404 page not found\n") : route.apply(rec);
            if (reply.delayMs() > 0) {
                try {
                    Thread.sleep(reply.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                OutputStream out = ex.getResponseBody();
                try {
                    out.write(bytes, 0, reply.truncateTo() >= 0 ? Math.min(reply.truncateTo(), bytes.length) : bytes.length);
                    out.flush();
                    if (reply.truncateTo() >= 0) {
                        return; // closing the exchange short of Content-Length drops the connection mid-body
                    }
                    out.close();
                } catch (IOException clientGone) {
                    // the client gave up (timeout test): nothing to do
                }
            }
        }
    }

    static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
