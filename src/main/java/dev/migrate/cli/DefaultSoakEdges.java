package dev.migrate.cli;

import dev.migrate.UserError;
import dev.migrate.checks.Check;
import dev.migrate.checks.CheckCatalogue;
import dev.migrate.checks.CheckContext;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.CheckSpec;
import dev.migrate.checks.Status;
import dev.migrate.checks.VerifyChecks;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.settings.Settings;
import dev.migrate.soak.NamedChecks;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SoakEdges;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real edges of `migrate soak`, on verify's pieces: the HTTP clients of {@link EndpointOptions}
 * (credentials from files or MIGRATE_*_TOKEN, never flags), verify's checks by name from its
 * catalogue (checks/verify.yaml), and its {@code otlp-round-trip} check as the synthetic round trip.
 */
final class DefaultSoakEdges implements SoakEdges {
    /** verify's recent-data window, as verify uses it by default. */
    private static final Duration SINCE = Duration.ofHours(1);

    private final EndpointOptions endpoints;
    private final Settings settings;

    DefaultSoakEdges(EndpointOptions endpoints, Settings settings) {
        this.endpoints = endpoints;
        this.settings = settings;
    }

    /**
     * {@code url} is the setting, else the in-cluster Service name. Without the setting, a soak on the
     * laptop goes where verify goes (--api-proxy, else the context's API server service proxy): the
     * in-cluster name resolves only inside the cluster, so the in-cluster Job, which has no kubeconfig,
     * is the only one that uses it.
     */
    @Override
    public PrometheusApi prometheus(String url) {
        if (settings.prometheusUrl().isEmpty()) {
            Optional<? extends PrometheusApi> routed = endpoints.clients(settings).prometheus();
            if (routed.isPresent()) {
                return routed.get();
            }
        }
        return endpoints.clients(settings.with(Map.of("prometheus-url", url))).prometheus().orElseThrow();
    }

    /** As {@link #prometheus(String)}. */
    @Override
    public LokiApi loki(String url) {
        if (settings.lokiUrl().isEmpty()) {
            Optional<? extends LokiApi> routed = endpoints.clients(settings).loki();
            if (routed.isPresent()) {
                return routed.get();
            }
        }
        return endpoints.clients(settings.with(Map.of("loki-url", url))).loki().orElseThrow();
    }

    @Override
    public NamedChecks verifyChecks(Settings s, PrometheusApi prometheus, LokiApi loki) {
        return checks(s, "http://" + s.vip() + ":4318", prometheus, loki);
    }

    /** verify's otlp-round-trip check (whatever its name in verify.yaml), timed end to end. */
    @Override
    public RoundTrip roundTrip(Settings s, String otlpEndpoint, PrometheusApi prometheus, LokiApi loki) {
        List<CheckSpec> specs = CheckCatalogue.load(s.checksDir(), VerifyChecks.FILE);
        String name = specs.stream().filter(spec -> spec.kind().equals("otlp-round-trip")).map(CheckSpec::name).findFirst()
                .orElseThrow(() -> new UserError("checks/" + VerifyChecks.FILE + " has no otlp-round-trip check for the soak's "
                        + "synthetic round trip; add one or remove the round-trip check from soak.yaml"));
        NamedChecks checks = checks(s, otlpEndpoint, prometheus, loki);
        return () -> {
            long t0 = System.nanoTime();
            CheckResult r = checks.run(name).orElseThrow();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            // inconclusive = seen, but only on the part of the path that was given a URL
            boolean delivered = r.status() == Status.PASS || r.status() == Status.INCONCLUSIVE;
            return new RoundTrip.Result(delivered, took, r.observed() + (r.cause().isEmpty() ? "" : "; " + r.cause()));
        };
    }

    private NamedChecks checks(Settings s, String otlpHttp, PrometheusApi prometheus, LokiApi loki) {
        List<Check> all = VerifyChecks.of(CheckCatalogue.load(s.checksDir(), VerifyChecks.FILE));
        CheckContext ctx = new CheckContext(Optional.ofNullable(prometheus), Optional.ofNullable(loki), Optional.empty(),
                Optional.empty(), new CheckContext.Otlp("http://" + s.vip() + ":4317", otlpHttp, "http/protobuf"), SINCE,
                Clock.systemUTC(), false, Optional.empty(), "the soak does not read the cluster", s.namespace(), s.vip(),
                Optional::empty, new CheckContext.DatasourceUids(s.prometheusDatasourceUid(), s.lokiDatasourceUid()), Map.of());
        return name -> all.stream().filter(c -> c.name().equals(name)).findFirst().map(c -> run(c, ctx));
    }

    private static CheckResult run(Check check, CheckContext ctx) {
        try {
            return check.run(ctx);
        } catch (CheckContext.Missing missing) {
            return CheckResult.skipped(check.name(), missing.getMessage());
        } catch (EndpointException | UserError e) {
            throw e; // the soak counts it as a query error
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (Exception e) {
            throw new IllegalStateException(check.name() + ": " + e.getMessage(), e);
        }
    }
}
