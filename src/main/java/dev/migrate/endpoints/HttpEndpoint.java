package dev.migrate.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.endpoints.EndpointException.Kind;
import dev.migrate.io.Limits;
import dev.migrate.settings.SettingKeys;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP endpoint (base URL, credentials, extra headers, a per-call timeout) and the few calls
 * every client makes through it. Every answer that is not the API's normal answer becomes an
 * {@link EndpointException} with a one-line message: connection refused, timeout, 401/403,
 * other 4xx, 5xx, HTML or truncated JSON. API-level errors ({@code status: error}) are left to the
 * client, which knows its API's envelope.
 */
public final class HttpEndpoint {
    /** One client for the process: a shared connection pool and dispatcher (OkHttp's advice). */
    private static final OkHttpClient SHARED = new OkHttpClient.Builder().followRedirects(false).build();
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int SNIPPET = 160;

    private final String name;
    private final HttpUrl base;
    private final Auth auth;
    private final Map<String, String> headers;
    private final OkHttpClient client;
    private final Limits limits;

    private HttpEndpoint(String name, HttpUrl base, Auth auth, Map<String, String> headers, OkHttpClient client,
                         Limits limits) {
        this.name = name;
        this.base = base;
        this.auth = auth;
        this.headers = Map.copyOf(headers);
        this.client = client;
        this.limits = limits;
    }

    private static OkHttpClient client(OkHttpClient.Builder builder, Duration timeout, Limits limits) {
        Duration connect = limits.connect().compareTo(timeout) < 0 ? limits.connect() : timeout;
        return builder.connectTimeout(connect).readTimeout(timeout).writeTimeout(timeout).callTimeout(timeout).build();
    }

    /**
     * @param name    "Prometheus", "Loki" ... for messages
     * @param flag    the flag that set the URL, named in the error when it is malformed
     * @param url     http(s) base URL; a path prefix (e.g. behind a proxy) is kept
     * @param timeout per call, connect to last byte
     */
    public static HttpEndpoint of(String name, String flag, String url, Auth auth, Map<String, String> headers,
                                  Duration timeout) {
        return of(name, flag, url, auth, headers, timeout, Optional.empty());
    }

    /** The same, over TLS that trusts {@code tls} (e.g. a kube-apiserver's own CA and client certificate). */
    public static HttpEndpoint of(String name, String flag, String url, Auth auth, Map<String, String> headers,
                                  Duration timeout, Optional<Tls> tls) {
        return of(name, flag, url, auth, headers, timeout, tls, Limits.DEFAULT);
    }

    /** The same, bounded by {@code limits} (connect timeout, answer size) from the settings. */
    public static HttpEndpoint of(String name, String flag, String url, Auth auth, Map<String, String> headers,
                                  Duration timeout, Optional<Tls> tls, Limits limits) {
        OkHttpClient.Builder builder = SHARED.newBuilder();
        tls.ifPresent(t -> builder.sslSocketFactory(t.socketFactory(), t.trustManager()));
        return new HttpEndpoint(name, parseUrl(flag, url), auth, headers, client(builder, timeout, limits), limits);
    }

    /** A TLS set-up other than the JVM's default: whom to trust and which client certificate to show. */
    public record Tls(javax.net.ssl.SSLSocketFactory socketFactory, javax.net.ssl.X509TrustManager trustManager) {
    }

    /** Validates a base URL given by the operator; a UserError naming the flag otherwise. */
    public static HttpUrl parseUrl(String flag, String url) {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url.strip());
        if (parsed == null || parsed.host().isEmpty()) {
            throw new UserError(flag + " '" + url + "' is not an http(s) URL; give e.g. http://127.0.0.1:9090");
        }
        if (!parsed.username().isEmpty() || !parsed.password().isEmpty()) {
            throw new UserError(flag + ": do not put credentials in the URL (they would show in `ps` and reports);"
                    + " use the matching --*-token-file or --*-basic-auth-file");
        }
        return parsed;
    }

    public String name() {
        return name;
    }

    /** The base URL as text, never with credentials. */
    public String baseUrl() {
        return base.toString();
    }

    /** The full URL of a path under this endpoint, for messages. */
    public String where(String path) {
        return clean(url(path));
    }

    public Duration timeout() {
        return Duration.ofMillis(client.callTimeoutMillis());
    }

    /** A copy with another per-call timeout, sharing the connection pool. */
    public HttpEndpoint withTimeout(Duration timeout) {
        return new HttpEndpoint(name, base, auth, headers, client(client.newBuilder(), timeout, limits), limits);
    }

    /** GET path?query as JSON. Query pairs may repeat a key (match[]). */
    public JsonNode getJson(String path, String... query) {
        return parseJson(url(path, query), send(get(path, query)));
    }

    /** GET path?query as text (e.g. Loki's /config YAML). HTML is refused. */
    public String getText(String path, String... query) {
        HttpUrl url = url(path, query);
        String body = send(get(path, query));
        if (looksLikeHtml(body)) {
            throw html(url, body);
        }
        return body;
    }

    /** POST a JSON body; returns the answer's text (may be empty). */
    public String postJson(String path, Object payload) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode the request body", e);
        }
        return send(request(url(path)).post(RequestBody.create(json, JSON)).build());
    }

    /** Text to JSON with the helper's error mapping, for clients that fetched text themselves. */
    public JsonNode parseJson(HttpUrl url, String body) {
        if (looksLikeHtml(body)) {
            throw html(url, body);
        }
        if (body.isBlank()) {
            throw new EndpointException(Kind.BAD_RESPONSE, clean(url), name + " answered an empty body instead of JSON");
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new EndpointException(Kind.BAD_RESPONSE, clean(url), name + " answered malformed or truncated JSON ("
                    + oneLine(e.getOriginalMessage()) + "): " + snippet(body), e);
        }
    }

    private Request get(String path, String... query) {
        return request(url(path, query)).get().build();
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder b = new Request.Builder().url(url).header("Accept", "application/json");
        auth.header().ifPresent(h -> b.header("Authorization", h));
        headers.forEach(b::header);
        return b;
    }

    HttpUrl url(String path, String... query) {
        if (query.length % 2 != 0) {
            throw new IllegalArgumentException("query must be name/value pairs");
        }
        String prefix = base.encodedPath().endsWith("/") ? base.encodedPath() : base.encodedPath() + "/";
        String rel = path.startsWith("/") ? path.substring(1) : path;
        HttpUrl.Builder b = base.newBuilder().encodedPath(prefix).addPathSegments(rel);
        for (int i = 0; i < query.length; i += 2) {
            b.addQueryParameter(query[i], query[i + 1]);
        }
        return b.build();
    }

    /** Sends and returns the body of a 2xx answer; everything else becomes an EndpointException. */
    private String send(Request request) {
        String where = clean(request.url());
        try (Response response = client.newCall(request).execute()) {
            String body;
            try {
                // Bounded: a server (or something posing as one) cannot make migrate buffer gigabytes.
                if (limits.tooLarge(response.body().contentLength())) {
                    throw new Limits.TooLarge(limits.maxResponseBytes());
                }
                body = new String(limits.readBody(response.body().byteStream()), java.nio.charset.StandardCharsets.UTF_8);
            } catch (Limits.TooLarge e) {
                throw new EndpointException(Kind.BAD_RESPONSE, where, name + " answered HTTP " + response.code() + ": "
                        + e.getMessage() + "; is this the API's address? (raise " + SettingKeys.MAX_RESPONSE_SIZE.name()
                        + " only if a real answer is that large)", e);
            } catch (IOException e) {
                throw new EndpointException(Kind.BAD_RESPONSE, where, name + " cut the answer short (HTTP "
                        + response.code() + "): " + why(e), e);
            }
            int code = response.code();
            if (code >= 200 && code < 300) {
                return body;
            }
            if (code >= 300 && code < 400) { // redirects are not followed: an API never redirects, a login page does
                throw new EndpointException(Kind.BAD_RESPONSE, where, name + " answered HTTP " + code + " redirecting to "
                        + response.header("Location", "(no Location)") + " instead of its API's answer (a login page"
                        + " or a proxy?)");
            }
            // Before it is cut to a snippet: a 401 body echoing the token must not leave a piece of it either.
            String detail = errorDetail(dev.migrate.io.Secrets.redact(body));
            String head = name + " answered HTTP " + code + (detail.isEmpty() ? "" : ": " + detail);
            throw new EndpointException(kindFor(code), where, head);
        } catch (EndpointException e) {
            throw e;
        } catch (InterruptedIOException e) {
            throw new EndpointException(Kind.TIMEOUT, where, name + " did not answer within "
                    + client.callTimeoutMillis() + " ms", e);
        } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
            throw new EndpointException(Kind.UNREACHABLE, where, name + " is unreachable at " + base.host() + ":"
                    + base.port() + " (" + oneLine(e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new EndpointException(Kind.UNREACHABLE, where, name + " connection failed: " + why(e), e);
        }
    }

    public static Kind kindFor(int code) {
        return switch (code) {
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            default -> code >= 500 ? Kind.SERVER_ERROR : Kind.BAD_REQUEST;
        };
    }

    /** The API's own error text when the body is JSON ({@code error}, {@code message}), else the first bytes. */
    private static String errorDetail(String body) {
        if (body.isBlank()) {
            return "";
        }
        if (looksLikeHtml(body)) {
            return "an HTML page: " + snippet(body);
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node != null && node.isObject()) {
                StringBuilder sb = new StringBuilder();
                if (node.hasNonNull("errorType")) {
                    sb.append(node.get("errorType").asText()).append(": ");
                }
                for (String field : new String[] {"error", "message", "msg"}) {
                    if (node.hasNonNull(field)) {
                        return oneLine(sb + node.get(field).asText());
                    }
                }
            }
        } catch (JsonProcessingException notJson) {
            // plain text, as Loki answers its 400s
        }
        return snippet(body);
    }

    private EndpointException html(HttpUrl url, String body) {
        return new EndpointException(Kind.BAD_RESPONSE, clean(url), name + " answered an HTML page instead of its API's"
                + " JSON (a login page, a proxy or the UI's address?): " + snippet(body));
    }

    static boolean looksLikeHtml(String body) {
        String start = body.stripLeading();
        return start.startsWith("<");
    }

    static String snippet(String body) {
        String one = oneLine(dev.migrate.io.Secrets.redact(body));
        return one.length() <= SNIPPET ? one : one.substring(0, SNIPPET) + "...";
    }

    /** What went wrong with the connection, in words: the exception's message, never its class name. */
    static String why(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "the connection failed without a reason given"
                : oneLine(e.getMessage());
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    /** The URL without query (which may hold long expressions), for messages. */
    private static String clean(HttpUrl url) {
        return url.newBuilder().query(null).build().toString();
    }

    /** Ordered header map helper for callers. */
    public static Map<String, String> headers(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null && !pairs[i + 1].isEmpty()) {
                out.put(pairs[i], pairs[i + 1]);
            }
        }
        return out;
    }
}
