package dev.migrate.cli;

import dev.migrate.endpoints.Auth;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.LokiHttp;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.endpoints.PrometheusHttp;
import dev.migrate.settings.Settings;
import dev.migrate.soak.NamedChecks;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SoakEdges;

import java.time.Duration;
import java.util.Map;

/**
 * The real edges of `migrate soak`: the shared HTTP clients (credentials from MIGRATE_PROMETHEUS_TOKEN,
 * MIGRATE_LOKI_TOKEN ... as everywhere). The synthetic round trip and verify's checks are wired by
 * the lead (see docs-draft/soak-readme.md); until then a catalogue using them errors on those checks.
 */
final class DefaultSoakEdges implements SoakEdges {
    static final DefaultSoakEdges INSTANCE = new DefaultSoakEdges();
    /** Well under the 60 s interval: a hanging query becomes an error, not a late cycle. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private DefaultSoakEdges() {
    }

    @Override
    public PrometheusApi prometheus(String url) {
        return new PrometheusHttp(HttpEndpoint.of("Prometheus", "--prometheus-url", url,
                Auth.resolve("prometheus", null, null, System.getenv()), Map.of(), TIMEOUT));
    }

    @Override
    public LokiApi loki(String url) {
        return new LokiHttp(HttpEndpoint.of("Loki", "--loki-url", url, Auth.resolve("loki", null, null, System.getenv()),
                Map.of(), TIMEOUT));
    }

    @Override
    public RoundTrip roundTrip(Settings settings, String otlpEndpoint, PrometheusApi prometheus, LokiApi loki) {
        return null;
    }

    @Override
    public NamedChecks verifyChecks(Settings settings, PrometheusApi prometheus, LokiApi loki) {
        return null;
    }
}
