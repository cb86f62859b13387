package dev.migrate.deploy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The deploy flags that are not settings.
 *
 * @param forceConflicts --force-conflicts: take ownership of fields another field manager owns
 * @param diffOnly       --diff: print what would change (server dry-run) and change nothing
 * @param timeout        --timeout for the rollout and VIP waits together (default 5m)
 * @param skipChecks     --skip-check NAME, repeatable
 * @param lokiUrl        --loki-url: read Loki's /config there instead of through the API server's service proxy
 */
public record DeployOptions(boolean forceConflicts, boolean diffOnly, Duration timeout, Set<String> skipChecks,
                            Optional<URI> lokiUrl) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public DeployOptions {
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        skipChecks = skipChecks == null ? Set.of() : Set.copyOf(skipChecks);
        lokiUrl = lokiUrl == null ? Optional.empty() : lokiUrl;
    }

    public static DeployOptions defaults() {
        return new DeployOptions(false, false, DEFAULT_TIMEOUT, Set.of(), Optional.empty());
    }
}
