package dev.migrate.cli;

import dev.migrate.UserError;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.settings.Settings;
import dev.migrate.soak.NamedChecks;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SoakEdges;

/** The real edges of `migrate soak`: verify's HTTP clients, probe and checks. */
final class DefaultSoakEdges implements SoakEdges {
    static final DefaultSoakEdges INSTANCE = new DefaultSoakEdges();

    private DefaultSoakEdges() {
    }

    @Override
    public PrometheusApi prometheus(String url) {
        throw new UserError("this build has no Prometheus client yet (it comes with verify)");
    }

    @Override
    public LokiApi loki(String url) {
        throw new UserError("this build has no Loki client yet (it comes with verify)");
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
