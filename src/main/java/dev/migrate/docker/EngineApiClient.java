package dev.migrate.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;
import com.github.dockerjava.transport.DockerHttpClient.Response;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Raw Engine API calls over docker-java's zerodep transport. docker-java's command layer lacks
 * fields retire needs (mount types, restart-policy update, /system/df), so requests are built
 * here and parsed with Jackson; paths are pinned to the API version the daemon reports.
 */
final class EngineApiClient implements AutoCloseable {
    private final DockerHost host;
    private final DockerHttpClient http;
    private String prefix = "";

    EngineApiClient(DockerHost host) {
        this.host = host;
        this.http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(host.uri()))
                .connectionTimeout(Duration.ofSeconds(5))
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
        try (Response r = send(method, path, body, null)) {
            byte[] bytes = r.getBody().readAllBytes();
            checkStatus(method, path, r.getStatusCode(), bytes);
            return bytes.length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** Status code only; 404 is returned, other errors are thrown. */
    int call(String method, String path, Object body) {
        try (Response r = send(method, path, body, null)) {
            byte[] bytes = r.getBody().readAllBytes();
            if (r.getStatusCode() != 404) {
                checkStatus(method, path, r.getStatusCode(), bytes);
            }
            return r.getStatusCode();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** A streaming response body; closing it closes the response. */
    InputStream stream(String method, String path) {
        Response r = send(method, path, null, null);
        if (r.getStatusCode() >= 300) {
            try (r) {
                checkStatus(method, path, r.getStatusCode(), r.getBody().readAllBytes());
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        return new FilterInputStream(r.getBody()) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    r.close();
                }
            }
        };
    }

    /** Sends a tar stream as the request body. */
    void upload(String path, InputStream tar) {
        try (Response r = send("PUT", path, null, tar)) {
            checkStatus("PUT", path, r.getStatusCode(), r.getBody().readAllBytes());
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private Response send(String method, String path, Object body, InputStream raw) {
        Request.Builder b = Request.builder().method(Request.Method.valueOf(method)).path(prefix + path);
        try {
            if (body != null) {
                b.bodyBytes(Json.MAPPER.writeValueAsBytes(body)).putHeader("Content-Type", "application/json");
            } else if (raw != null) {
                b.body(raw).putHeader("Content-Type", "application/x-tar");
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
        String message;
        try {
            message = Json.MAPPER.readTree(body).path("message").asText(new String(body));
        } catch (IOException e) {
            message = new String(body);
        }
        throw new DockerEngine.EngineException(status, method + " " + path + ": " + status + " " + message.strip());
    }

    /** One line naming the host and the likely fix. */
    UserError unreachable(IOException e) {
        String why = String.valueOf(e.getMessage());
        Throwable root = rootCause(e);
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

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    static String query(Map<String, ?> filters) {
        try {
            return java.net.URLEncoder.encode(Json.MAPPER.writeValueAsString(filters), java.nio.charset.StandardCharsets.UTF_8);
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
