package dev.migrate.cluster;

import dev.migrate.io.Limits;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Values;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * fabric8's HTTP client interceptor that bounds every API server answer as HttpEndpoint bounds
 * Prometheus's: a body over max-response-size is cut off (never buffered whole), and an HTML page
 * (a proxy, a login page) is refused at its first byte instead of surfacing as a Jackson mapping
 * error. {@link Fabric8Cluster} turns a {@link Refused} into a one-line BAD_RESPONSE.
 */
final class ApiServerAnswers implements Interceptor {
    static final String NAME = "migrate-answer-bounds";

    private final Limits limits;

    ApiServerAnswers(Limits limits) {
        this.limits = limits;
    }

    /** Why an answer was not read. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        // The service proxy carries another server's answer (Loki's /config YAML): only its size is the API server's.
        boolean proxied = String.valueOf(request.uri().getPath()).contains("/proxy");
        return new AsyncBody.Consumer<>() {
            private long total;
            private boolean sniffed = proxied;

            @Override
            public void consume(List<ByteBuffer> value, AsyncBody body) throws Exception {
                for (ByteBuffer b : value) {
                    if (!sniffed) {
                        sniffed = firstByteKnown(b);
                    }
                    total += b.remaining();
                }
                if (total > limits.maxResponseBytes()) {
                    // Thrown, not cancelled: fabric8 fails the call with this exception and closes the body.
                    throw new Refused("an answer larger than " + Values.formatSize(limits.maxResponseBytes()) + " (setting "
                            + SettingKeys.MAX_RESPONSE_SIZE.name() + ")");
                }
                consumer.consume(value, body);
            }

            /** Refuses HTML at its first non-blank byte; false while only whitespace has arrived. */
            private boolean firstByteKnown(ByteBuffer b) throws Refused {
                for (int i = b.position(); i < b.limit(); i++) {
                    byte c = b.get(i);
                    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                        continue;
                    }
                    if (c == '<') {
                        throw new Refused("an HTML page instead of the Kubernetes API's JSON");
                    }
                    return true;
                }
                return false;
            }

            @Override
            public <U> U unwrap(Class<U> target) {
                return consumer.unwrap(target);
            }
        };
    }

    /** The refusal (or a JSON mapping failure, the same fault seen later) somewhere in {@code e}'s causes, else null. */
    static IOException refusal(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof Refused r) {
                return r;
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return new Refused("an answer that is not the Kubernetes API's JSON");
            }
        }
        return null;
    }
}
