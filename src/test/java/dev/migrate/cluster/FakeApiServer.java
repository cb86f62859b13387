package dev.migrate.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.Json;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A kube-apiserver double on 127.0.0.1: fabric8's kubernetes-server-mock in CRUD mode for storage,
 * plus the parts the mock does not implement, shaped like the real API (kubernetes.io API reference):
 * <ul>
 *   <li>server-side apply: PATCH with {@code Content-Type: application/apply-patch+yaml},
 *       {@code fieldManager}, {@code force}, {@code dryRun=All}; merges into the stored object,
 *       bumps metadata.generation on a spec change, leaves resourceVersion alone on a no-op apply
 *       (as the real server does), and answers 409 with a FieldManagerConflict Status when a field
 *       registered with {@link #ownField} by another manager would change and force is off;</li>
 *   <li>SelfSubjectAccessReview (authorization.k8s.io/v1): allowed unless {@link #deny}ed;</li>
 *   <li>the service proxy {@code /api/v1/namespaces/NS/services/SVC:PORT/proxy/PATH};</li>
 *   <li>a whole-server 401/403 answer ({@link #answerEverything}).</li>
 * </ul>
 * Every request is recorded so tests can assert its method, path, query and content type.
 */
public final class FakeApiServer implements AutoCloseable {
    public static final String TOKEN = "s3cr3t-token-never-printed";

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final KubernetesMockServer server;
    private final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> proxy = new ConcurrentHashMap<>();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, String>> owners = new ConcurrentHashMap<>();
    private volatile Integer everything;
    private final java.util.concurrent.atomic.AtomicInteger initializing = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String initializingPath = "";
    private volatile boolean noOpWrites;
    private final KubernetesClient client;

    /** One request as the server saw it. */
    public record Seen(String method, String path, String query, String contentType, String body, String authorization) {
        public boolean isApply() {
            return "PATCH".equals(method) && contentType != null && contentType.startsWith("application/apply-patch+yaml");
        }
    }

    public FakeApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Router(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    /** A client for seeding and reading state directly (not the code under test). */
    public KubernetesClient client() {
        return client;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public List<Seen> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public List<Seen> applies() {
        return requests().stream().filter(Seen::isApply).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    public void proxy(String namespace, String serviceAndPort, String path, String body) {
        proxy.put("/api/v1/namespaces/" + namespace + "/services/" + serviceAndPort + "/proxy" + path, body);
    }

    /** SelfSubjectAccessReview answers allowed=false for this verb on group/resource. */
    public void deny(String verb, String group, String resource) {
        denied.add(verb + " " + group + "/" + resource);
    }

    /** Another field manager owns the field at {@code path} (map keys, e.g. "spec", "replicas") of the object. */
    public void ownField(String resourcePath, String manager, String... path) {
        owners.computeIfAbsent(resourcePath, k -> new ConcurrentHashMap<>()).put(String.join("\u0000", path), manager);
    }

    /**
     * Make a no-op apply still write (bumping resourceVersion and a managedFields time), as some
     * API server versions do (kubernetes/kubernetes#124605, #121404).
     */
    public void noOpApplyWrites(boolean on) {
        noOpWrites = on;
    }

    /** Answer every request with this status: 401 or 403 as an API server refusing the identity, 500 as a broken one. */
    public void answerEverything(Integer code) {
        everything = code;
    }

    /**
     * Answer the next {@code times} requests whose path contains {@code pathPart} as a kube-apiserver
     * just restarted answers a custom resource before its watch cache is ready: 429 TooManyRequests
     * "storage is (re)initializing", retryAfterSeconds 1. Integer.MAX_VALUE: for ever.
     */
    public void storageInitializing(String pathPart, int times) {
        initializingPath = pathPart;
        initializing.set(times);
    }

    /** A kubeconfig whose current-context is a decoy (a closed port): only an explicit context reaches us. */
    public Path kubeconfig(Path dir, String context) throws IOException {
        String text = """
                apiVersion: v1
                kind: Config
                current-context: work-eks
                clusters:
                - name: homelab
                  cluster:
                    server: %s
                - name: work
                  cluster:
                    server: http://127.0.0.1:1
                contexts:
                - name: %s
                  context:
                    cluster: homelab
                    user: admin
                - name: work-eks
                  context:
                    cluster: work
                    user: admin
                users:
                - name: admin
                  user:
                    token: %s
                """.formatted(url(), context, TOKEN);
        Path file = dir.resolve("homelab.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private final class Router extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String full = request.getPath();
            int q = full.indexOf('?');
            String path = q < 0 ? full : full.substring(0, q);
            String query = q < 0 ? "" : full.substring(q + 1);
            // getBytes() does not consume the body (getUtf8Body() would, and CRUD would then see none)
            String body = request.getBody() == null ? "" : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
            requests.add(new Seen(request.getMethod(), path, query, request.getHeader("Content-Type"), body,
                    request.getHeader("Authorization")));
            if (path.contains(initializingPath) && initializing.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                return new MockResponse().setResponseCode(429).setHeader("Content-Type", "application/json").setHeader("Retry-After", "1")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                                + "\"message\":\"storage is (re)initializing\",\"reason\":\"TooManyRequests\","
                                + "\"details\":{\"retryAfterSeconds\":1},\"code\":429}");
            }
            if (everything != null) {
                return switch (everything) {
                    case 401 -> status(401, "Unauthorized", "Unauthorized");
                    case 403 -> status(403, "Forbidden", "forbidden: User \"homelab-operator\" cannot do this");
                    default -> status(everything, "InternalError", "Internal error occurred: etcdserver: request timed out");
                };
            }
            if (path.contains("/proxy/") || path.endsWith("/proxy")) {
                String answer = proxy.get(path);
                return answer == null ? status(503, "ServiceUnavailable", "no endpoints available for service")
                        : new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain; charset=utf-8").setBody(answer);
            }
            if ("POST".equals(request.getMethod()) && path.endsWith("/selfsubjectaccessreviews")) {
                return accessReview(body);
            }
            if ("PATCH".equals(request.getMethod()) && String.valueOf(request.getHeader("Content-Type"))
                    .startsWith("application/apply-patch+yaml")) {
                return serverSideApply(path, query, body);
            }
            return crud.dispatch(request);
        }
    }

    private MockResponse accessReview(String body) {
        Map<String, Object> review = parse(body);
        Object attrs = Trees.at(review, "spec", "resourceAttributes");
        String key = Trees.text(attrs, "verb") + " " + Trees.text(attrs, "group") + "/" + Trees.text(attrs, "resource");
        boolean allowed = !denied.contains(key);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("allowed", allowed);
        if (!allowed) {
            status.put("reason", "no RBAC policy matched");
        }
        review.put("status", status);
        return json(201, review);
    }

    private synchronized MockResponse serverSideApply(String path, String query, String body) {
        Map<String, String> params = new HashMap<>();
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                params.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        if (!params.containsKey("fieldManager")) {
            return status(422, "Invalid", "PATCH application/apply-patch+yaml: fieldManager is required for apply requests");
        }
        boolean force = "true".equals(params.get("force"));
        boolean dryRun = "All".equals(params.get("dryRun"));
        Map<String, Object> applied = parseYaml(body);
        applied.remove("status");
        MockResponse found = crud.handleGet(path);
        Map<String, Object> existing = found.code() == 200 ? parse(found.getBody().readUtf8()) : null;

        List<Map<String, String>> causes = new ArrayList<>();
        Map<String, String> owned = owners.getOrDefault(path, Map.of());
        for (Map.Entry<String, String> e : owned.entrySet()) {
            if (e.getValue().equals(params.get("fieldManager"))) {
                continue;
            }
            String[] field = e.getKey().split("\u0000");
            Object want = Trees.at(applied, field);
            if (want != null && !Objects.equals(want, existing == null ? null : Trees.at(existing, field))) {
                causes.add(Map.of("reason", "FieldManagerConflict", "message",
                        "conflict with \"" + e.getValue() + "\" using " + applied.get("apiVersion"), "field", "." + String.join(".", field)));
            }
        }
        if (!causes.isEmpty() && !force) {
            Map<String, Object> status = statusBody(409, "Conflict", "Apply failed with " + causes.size() + " conflict"
                    + (causes.size() == 1 ? "" : "s") + ": " + String.join(", ", causes.stream()
                    .map(c -> c.get("message") + ": " + c.get("field")).toList()));
            status.put("details", Map.of("causes", causes));
            return json(409, status);
        }
        if (!dryRun && force) {
            owners.remove(path);
        }

        Map<String, Object> merged = existing == null ? new LinkedHashMap<>() : deepCopy(existing);
        merge(merged, applied);
        if (existing != null && merged.equals(existing)) {
            if (!noOpWrites || dryRun) {
                return json(200, existing); // no-op apply: same object, same resourceVersion
            }
            metadata(merged).put("managedFields", List.of(Map.of("manager", params.get("fieldManager"),
                    "operation", "Apply", "time", java.time.Instant.now().toString())));
            return crud.handleUpdate(request(HttpMethod.PUT, path, merged));
        }
        Map<String, Object> meta = metadata(merged);
        meta.remove("managedFields");
        long generation = existing == null ? 1 : Trees.number(existing, "metadata", "generation");
        if (existing != null && specChanged(existing, merged)) {
            generation++;
        }
        meta.put("generation", generation);
        if (dryRun) {
            return json(existing == null ? 201 : 200, merged);
        }
        if (existing == null) {
            String collection = path.substring(0, path.lastIndexOf('/'));
            return crud.handleCreate(request(HttpMethod.POST, collection, merged));
        }
        return crud.handleUpdate(request(HttpMethod.PUT, path, merged));
    }

    private static boolean specChanged(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> a = new HashMap<>(before);
        Map<String, Object> b = new HashMap<>(after);
        for (Map<String, Object> m : List.of(a, b)) {
            m.remove("metadata");
            m.remove("status");
        }
        return !a.equals(b);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> obj) {
        return (Map<String, Object>) obj.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    }

    /** Maps merge key by key; lists and scalars are replaced (enough for the objects deploy applies). */
    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((k, v) -> {
            if (v instanceof Map<?, ?> fm && into.get(k) instanceof Map<?, ?> im) {
                merge((Map<String, Object>) im, (Map<String, Object>) fm);
            } else {
                into.put(k, v);
            }
        });
    }

    private static Map<String, Object> deepCopy(Map<String, Object> m) {
        return parse(write(m));
    }

    private static RecordedRequest request(HttpMethod method, String path, Map<String, Object> body) {
        Headers headers = new Headers.Builder().add("Content-Type", "application/json").build();
        return new RecordedRequest("HTTP/1.1", method, path, headers, new Buffer(write(body).getBytes()));
    }

    private static Map<String, Object> statusBody(int code, String reason, String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        status.put("code", code);
        return status;
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, statusBody(code, reason, message));
    }

    private static MockResponse json(int code, Object body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(write(body));
    }

    private static String write(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> parse(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    private static Map<String, Object> parseYaml(String yaml) {
        try {
            return Json.YAML.readValue(yaml, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("not YAML: " + yaml, e);
        }
    }
}
