package dev.migrate.soak;

import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.settings.Settings;

/**
 * Where the soak's readings come from. The command holds one of these; the real one builds verify's
 * HTTP clients and OTLP probe, tests put fakes or loopback servers behind it.
 */
public interface SoakEdges {
    PrometheusApi prometheus(String url);

    LokiApi loki(String url);

    /** verify's synthetic probe against {@code otlpEndpoint}, reading back through the given APIs; null when not available. */
    RoundTrip roundTrip(Settings settings, String otlpEndpoint, PrometheusApi prometheus, LokiApi loki);

    /** verify's checks by name; null when not available. */
    NamedChecks verifyChecks(Settings settings, PrometheusApi prometheus, LokiApi loki);
}
