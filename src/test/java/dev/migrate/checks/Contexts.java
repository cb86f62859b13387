package dev.migrate.checks;

import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.AlertmanagerHttp;
import dev.migrate.endpoints.Auth;
import dev.migrate.endpoints.GrafanaHttp;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.endpoints.LokiHttp;
import dev.migrate.endpoints.PrometheusHttp;
import dev.migrate.testsupport.PipelineWorld;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** CheckContexts over a {@link PipelineWorld}, and checks built from YAML snippets, for the check tests. */
final class Contexts {
    private Contexts() {
    }

    static HttpEndpoint http(String name, String url, Map<String, String> headers) {
        return HttpEndpoint.of(name, "--" + name.toLowerCase() + "-url", url, Auth.none(), headers, Duration.ofSeconds(3));
    }

    /** Everything given, pointing at the world. */
    static Builder of(PipelineWorld w) {
        return new Builder()
                .prometheus(w.prometheus.url()).loki(w.loki.url()).grafana(w.grafana.url()).alertmanager(w.alertmanager.url())
                .otlp(w.collector.grpcEndpoint(), w.collector.httpEndpoint(), "grpc");
    }

    static final class Builder {
        String prometheus;
        String loki;
        String grafana;
        String alertmanager;
        CheckContext.Otlp otlp = new CheckContext.Otlp("http://127.0.0.1:9", "http://127.0.0.1:9", "grpc");
        boolean testAlert;
        ClusterStatus cluster;
        String dashboard = PipelineWorld.DASHBOARD;
        Duration since = Duration.ofHours(1);
        java.util.List<String> expectedMachines = java.util.List.of();

        Builder prometheus(String url) {
            prometheus = url;
            return this;
        }

        Builder loki(String url) {
            loki = url;
            return this;
        }

        Builder grafana(String url) {
            grafana = url;
            return this;
        }

        Builder alertmanager(String url) {
            alertmanager = url;
            return this;
        }

        Builder otlp(String grpc, String http, String protocol) {
            otlp = new CheckContext.Otlp(grpc, http, protocol);
            return this;
        }

        Builder testAlert() {
            testAlert = true;
            return this;
        }

        Builder cluster(ClusterStatus status) {
            cluster = status;
            return this;
        }

        Builder expectedMachines(String... names) {
            expectedMachines = java.util.List.of(names);
            return this;
        }

        Builder dashboard(String json) {
            dashboard = json;
            return this;
        }

        CheckContext build() {
            Map<String, String> flags = new java.util.LinkedHashMap<>();
            Optional<HttpEndpoint> p = Optional.ofNullable(prometheus).map(u -> http("Prometheus", u, Map.of()));
            Optional<HttpEndpoint> l = Optional.ofNullable(loki).map(u -> http("Loki", u, LokiHttp.tenantHeaders(null)));
            Optional<HttpEndpoint> g = Optional.ofNullable(grafana).map(u -> http("Grafana", u, Map.of()));
            Optional<HttpEndpoint> a = Optional.ofNullable(alertmanager).map(u -> http("Alertmanager", u, Map.of()));
            p.ifPresent(e -> flags.put(e.baseUrl(), "--prometheus-url"));
            l.ifPresent(e -> flags.put(e.baseUrl(), "--loki-url"));
            g.ifPresent(e -> flags.put(e.baseUrl(), "--grafana-url"));
            a.ifPresent(e -> flags.put(e.baseUrl(), "--alertmanager-url"));
            String dash = dashboard;
            return new CheckContext(p.map(PrometheusHttp::new), l.map(LokiHttp::new), g.map(GrafanaHttp::new),
                    a.map(AlertmanagerHttp::new), otlp, since, Clock.systemUTC(), testAlert, Optional.ofNullable(cluster),
                    "needs the cluster: give --context", "monitoring", "10.10.30.22",
                    () -> dash == null ? Optional.empty() : Optional.of(new DataFiles.Loaded("test dashboard", dash)),
                    new CheckContext.DatasourceUids("prometheus", "loki"), flags, expectedMachines);
        }
    }

    /** One check from a YAML entry, e.g. "- name: x\n  kind: scrape-target\n  job: y". */
    static Check check(String entry) {
        return VerifyChecks.of(CheckCatalogue.parse("test.yaml", "version: 1\nchecks:\n" + entry.indent(2))).get(0);
    }

    /** The bundled check of that name. */
    static Check bundled(String name) {
        return VerifyChecks.of(CheckCatalogue.load(Optional.empty(), VerifyChecks.FILE)).stream()
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static CheckResult run(Check check, CheckContext ctx) {
        return CheckRunner.run(List.of(check), ctx).get(0);
    }
}
