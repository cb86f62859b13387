package dev.migrate.deploy;

import dev.migrate.UserError;
import dev.migrate.settings.Values;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-side flags of `migrate deploy`, as a picocli mixin for the deploy command
 * ({@code @Mixin DeployFlags flags; ... flags.toOptions()}). Checked before anything is sent.
 */
public class DeployFlags {
    @Option(names = "--force-conflicts",
            description = "Take over fields another field manager (Helm, kubectl edit ...) owns. Without it, a conflict stops the apply.")
    boolean forceConflicts;

    @Option(names = "--diff",
            description = "Show what would change (server-side dry run) and change nothing.")
    boolean diff;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the rollout and the VIP together, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout = "5m";

    @Option(names = "--skip-check", paramLabel = "NAME",
            description = "Skip one preflight check you verified by hand (repeatable): context, namespace, crds,"
                    + " prometheus-selects, vip-free, vip-in-pool, rbac, loki-otlp.")
    List<String> skipChecks = List.of();

    @Option(names = "--loki-url", paramLabel = "URL",
            description = "Read Loki's /config here instead of through the API server's service proxy.")
    String lokiUrl;

    public DeployOptions toOptions() {
        Duration wait = Values.positiveDuration("--timeout", timeout);
        Optional<URI> loki = Optional.empty();
        if (lokiUrl != null) {
            URI uri;
            try {
                uri = URI.create(lokiUrl.trim());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
                throw new UserError("--loki-url '" + lokiUrl + "' is not an http(s) URL; use e.g. http://127.0.0.1:3100");
            }
            if (uri.getUserInfo() != null) {
                throw new UserError("--loki-url must not carry credentials; Loki's /config needs none");
            }
            loki = Optional.of(uri);
        }
        return new DeployOptions(forceConflicts, diff, wait, new LinkedHashSet<>(skipChecks), loki);
    }
}
