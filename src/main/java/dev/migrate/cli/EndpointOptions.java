package dev.migrate.cli;

import dev.migrate.cluster.ApiServerRoute;
import dev.migrate.endpoints.AlertmanagerHttp;
import dev.migrate.endpoints.Auth;
import dev.migrate.endpoints.GrafanaHttp;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.io.Limits;
import dev.migrate.endpoints.LokiHttp;
import dev.migrate.endpoints.PrometheusHttp;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import dev.migrate.UserError;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where Prometheus, Loki, Grafana and Alertmanager answer, as this machine reaches them, and their
 * credentials. URLs are settings (migrate.yaml, MIGRATE_PROMETHEUS_URL ..., or these flags);
 * credentials come only from files or MIGRATE_<NAME>_TOKEN / MIGRATE_<NAME>_BASIC_AUTH, never a flag value.
 */
public class EndpointOptions implements SettingsOptions.FlagSource {
    @Option(names = "--prometheus-url", paramLabel = "URL", description = "Prometheus API, e.g. http://127.0.0.1:9090 (kubectl port-forward).")
    String prometheusUrl;
    @Option(names = "--loki-url", paramLabel = "URL", description = "Loki API, e.g. http://127.0.0.1:3100.")
    String lokiUrl;
    @Option(names = "--grafana-url", paramLabel = "URL", description = "Grafana, e.g. http://127.0.0.1:3000.")
    String grafanaUrl;
    @Option(names = "--alertmanager-url", paramLabel = "URL", description = "Alertmanager API, e.g. http://127.0.0.1:9093.")
    String alertmanagerUrl;
    @Option(names = "--loki-tenant", paramLabel = "ORG", description = "X-Scope-OrgID for a multi-tenant Loki.")
    String lokiTenant;
    @Option(names = "--api-proxy", paramLabel = "URL",
            description = {"A 'kubectl proxy' address (e.g. http://127.0.0.1:8001): every URL not given is then the in-cluster"
                    + " Service through the API server's service proxy (settings prometheus-service, loki-service, grafana-service,"
                    + " alertmanager-service in the namespace). Start it with the homelab's kubeconfig and context:"
                    + " kubectl --kubeconfig ~/.kube/homelab.yaml --context homelab proxy"})
    String apiProxy;

    @Option(names = "--prometheus-token-file", paramLabel = "FILE", description = "Bearer token for Prometheus (or env MIGRATE_PROMETHEUS_TOKEN).")
    Path prometheusToken;
    @Option(names = "--prometheus-basic-auth-file", paramLabel = "FILE", description = "user:password for Prometheus (or env MIGRATE_PROMETHEUS_BASIC_AUTH).")
    Path prometheusBasic;
    @Option(names = "--loki-token-file", paramLabel = "FILE", description = "Bearer token for Loki (or env MIGRATE_LOKI_TOKEN).")
    Path lokiToken;
    @Option(names = "--loki-basic-auth-file", paramLabel = "FILE", description = "user:password for Loki (or env MIGRATE_LOKI_BASIC_AUTH).")
    Path lokiBasic;
    @Option(names = "--grafana-token-file", paramLabel = "FILE", description = "Grafana service-account token (or env MIGRATE_GRAFANA_TOKEN).")
    Path grafanaToken;
    @Option(names = "--grafana-basic-auth-file", paramLabel = "FILE", description = "user:password for Grafana (or env MIGRATE_GRAFANA_BASIC_AUTH).")
    Path grafanaBasic;
    @Option(names = "--alertmanager-token-file", paramLabel = "FILE", description = "Bearer token for Alertmanager (or env MIGRATE_ALERTMANAGER_TOKEN).")
    Path alertmanagerToken;
    @Option(names = "--alertmanager-basic-auth-file", paramLabel = "FILE", description = "user:password for Alertmanager (or env MIGRATE_ALERTMANAGER_BASIC_AUTH).")
    Path alertmanagerBasic;

    @Option(names = "--http-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Per HTTP call (default: ${DEFAULT-VALUE}); each check also has its own timeout.")
    String httpTimeout;

    /** The context's API server route, read once when the first endpoint needs it. */
    private Optional<ApiServerRoute> route;

    /**
     * Empty without a context, or when its kubeconfig cannot be read here (e.g. the in-cluster soak,
     * which carries the context setting but no kubeconfig): those endpoints are then not available,
     * and the cluster connection, where one is needed, reports the kubeconfig problem itself.
     */
    private Optional<ApiServerRoute> route(Settings settings) {
        if (route == null) {
            try {
                route = settings.context().isPresent() ? Optional.of(ApiServerRoute.of(settings)) : Optional.empty();
            } catch (UserError unreadable) {
                route = Optional.empty();
            }
        }
        return route;
    }

    /** The environment credentials are read from; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public void addFlags(Map<String, String> flags) {
        put(flags, "prometheus-url", prometheusUrl);
        put(flags, "loki-url", lokiUrl);
        put(flags, "grafana-url", grafanaUrl);
        put(flags, "alertmanager-url", alertmanagerUrl);
        put(flags, "loki-tenant", lokiTenant);
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

    /** The clients for the URLs that are set, validated now (malformed URL or credentials: UserError). */
    public Clients clients(Settings settings) {
        Duration timeout = Values.positiveDuration("--http-timeout", httpTimeout);
        Map<String, String> flags = new LinkedHashMap<>();
        Optional<HttpEndpoint> prom = endpoint("Prometheus", "prometheus", settings.prometheusUrl(),
                settings.prometheusService(), settings, prometheusToken, prometheusBasic, Map.of(), timeout, flags);
        Optional<HttpEndpoint> loki = endpoint("Loki", "loki", settings.lokiUrl(), settings.lokiService(), settings,
                lokiToken, lokiBasic, LokiHttp.tenantHeaders(settings.lokiTenant().orElse(null)), timeout, flags);
        Optional<HttpEndpoint> grafana = endpoint("Grafana", "grafana", settings.grafanaUrl(), settings.grafanaService(),
                settings, grafanaToken, grafanaBasic, Map.of(), timeout, flags);
        Optional<HttpEndpoint> am = endpoint("Alertmanager", "alertmanager", settings.alertmanagerUrl(),
                settings.alertmanagerService(), settings, alertmanagerToken, alertmanagerBasic, Map.of(), timeout, flags);
        return new Clients(prom.map(PrometheusHttp::new), loki.map(LokiHttp::new), grafana.map(GrafanaHttp::new),
                am.map(AlertmanagerHttp::new), flags);
    }

    /**
     * An explicit URL wins; else, with --api-proxy, the in-cluster Service through a kubectl proxy's
     * service proxy (kubectl authenticates); else, when a context is named, the same path on that
     * context's API server with its own credentials ({@link ApiServerRoute}); else none, and the
     * checks that need it are skipped.
     */
    private Optional<HttpEndpoint> endpoint(String title, String name, Optional<String> url, String service,
                                            Settings settings, Path tokenFile, Path basicFile,
                                            Map<String, String> headers, Duration timeout, Map<String, String> flags) {
        String flag = source(settings, name + "-url", "--" + name + "-url");
        String chosen = url.orElse(null);
        Auth auth = Auth.resolve(name, tokenFile, basicFile, env);
        Optional<HttpEndpoint.Tls> tls = Optional.empty();
        if (chosen == null && apiProxy != null) {
            String proxy = HttpEndpoint.parseUrl("--api-proxy", apiProxy).toString();
            chosen = ApiServerRoute.proxyUrl(proxy, settings.namespace(), service);
            flag = "--api-proxy";
        } else if (chosen == null && route(settings).isPresent()) {
            ApiServerRoute r = route(settings).get();
            chosen = r.serviceUrl(settings.namespace(), service);
            flag = "--context";
            // The API server authenticates this machine; it does not forward our Authorization header.
            auth = r.token().map(Auth::bearer).orElse(Auth.none());
            tls = r.tls();
        }
        if (chosen == null) {
            return Optional.empty();
        }
        HttpEndpoint e = HttpEndpoint.of(title, flag, chosen, auth, headers, timeout, tls, Limits.of(settings));
        flags.put(e.baseUrl(), flag);
        return Optional.of(e);
    }

    /** How the operator gave a setting, for messages: the flag, or the file or variable it came from. */
    static String source(Settings settings, String key, String flag) {
        var from = settings.provenance(dev.migrate.settings.SettingKeys.byName(key).orElseThrow());
        return from.source() == dev.migrate.settings.Source.FLAG || from.source() == dev.migrate.settings.Source.DEFAULT
                ? flag : key + " (" + from.describe() + ")";
    }

    /** @param flags base URL to the flag that set it, for the fixes of failed checks */
    public record Clients(Optional<PrometheusHttp> prometheus, Optional<LokiHttp> loki, Optional<GrafanaHttp> grafana,
                          Optional<AlertmanagerHttp> alertmanager, Map<String, String> flags) {
    }
}
