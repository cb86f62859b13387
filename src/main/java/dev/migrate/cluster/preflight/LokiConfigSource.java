package dev.migrate.cluster.preflight;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.cluster.Cluster;
import dev.migrate.io.Limits;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where Loki's running config (GET /config, YAML) is read from: the API server's service proxy
 * (no port-forward, works wherever kubectl works), or a URL the operator gives with --loki-url.
 *
 * @param read        fetches the text; throws {@link UserError} with a one-line reason
 * @param description for messages, e.g. "service proxy monitoring/loki:3100"
 */
public record LokiConfigSource(Supplier<String> read, String description) {

    public static LokiConfigSource viaProxy(Cluster cluster, String namespace, String serviceAndPort) {
        return new LokiConfigSource(() -> cluster.serviceProxyGet(namespace, serviceAndPort, "/config"),
                "service proxy " + namespace + "/" + serviceAndPort);
    }

    public static LokiConfigSource viaUrl(URI base) {
        String url = base.toString().replaceAll("/+$", "") + "/config";
        return new LokiConfigSource(() -> get(url), url);
    }

    private static String get(String url) {
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10))
                .connectTimeout(Limits.DEFAULT.connect()).build();
        try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
            // Bounded like every other answer: a config is kilobytes, anything near the cap is not Loki.
            String body = response.body() == null ? ""
                    : new String(Limits.DEFAULT.readBody(response.body().byteStream()), java.nio.charset.StandardCharsets.UTF_8);
            if (response.code() != 200) {
                throw new UserError(ExitCodes.FAILED, "GET " + url + " answered " + response.code() + " "
                        + body.lines().findFirst().orElse(""));
            }
            return body;
        } catch (Limits.TooLarge e) {
            throw new UserError(ExitCodes.FAILED, "GET " + url + ": " + e.getMessage() + "; is --loki-url Loki?");
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILED, "cannot reach " + url + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
