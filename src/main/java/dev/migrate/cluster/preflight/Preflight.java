package dev.migrate.cluster.preflight;

import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.ClusterException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the preflight checks in order, all read-only. A check the operator skipped with
 * --skip-check reports "skipped by --skip-check". A check that cannot read what it needs (403 on a
 * read, proxy error) fails with that message; an unreachable or unauthorized API server stops the
 * whole run at once, since every later check would say the same.
 */
public final class Preflight {
    public static final String SKIPPED_BY_FLAG = "skipped by --skip-check";

    private final List<PreflightCheck> checks;

    public Preflight(List<PreflightCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The checks deploy runs, in the order they run. */
    public static Preflight standard() {
        return new Preflight(List.of(new ContextNamedCheck(), new NamespaceCheck(), new CrdsCheck(),
                new PrometheusSelectsCheck(), new VipFreeCheck(), new VipInPoolCheck(), new RbacCheck(),
                new LokiOtlpCheck()));
    }

    public List<PreflightCheck> checks() {
        return checks;
    }

    public List<String> names() {
        return checks.stream().map(PreflightCheck::name).toList();
    }

    /** Rejects a --skip-check that names no check, before anything runs. */
    public void validateSkips(Set<String> skip) {
        for (String name : skip) {
            if (!names().contains(name)) {
                throw new UserError("--skip-check " + name + ": no such check; checks are " + String.join(", ", names()));
            }
        }
    }

    public List<CheckResult> run(PreflightContext given, Set<String> skip) {
        validateSkips(skip);
        // Checks that read the same object (the namespace, a CRD) share one request.
        PreflightContext context = new PreflightContext(given.settings(), given.bundle(), new ReadOnce(given.cluster()),
                given.lokiConfig(), given.lokiSource());
        List<CheckResult> results = new ArrayList<>();
        for (PreflightCheck check : checks) {
            if (skip.contains(check.name())) {
                results.add(CheckResult.skipped(check.name(), SKIPPED_BY_FLAG));
                continue;
            }
            long start = System.nanoTime();
            CheckResult result;
            try {
                result = check.run(context);
            } catch (ClusterException e) {
                if (e.kind() == ClusterException.Kind.UNREACHABLE || e.kind() == ClusterException.Kind.UNAUTHORIZED
                        || e.kind() == ClusterException.Kind.SERVER_ERROR || e.kind() == ClusterException.Kind.BAD_RESPONSE) {
                    // Not an answer a check can judge, and not a permission problem: stop with the server's own error.
                    throw e;
                }
                result = CheckResult.fail(check.name(), e.getMessage(), "the check could not read what it needs",
                        "grant read access (see RUNBOOK, deploy: RBAC) or --skip-check " + check.name() + " if you have verified it by hand");
            }
            results.add(result.withElapsed(Duration.ofNanos(System.nanoTime() - start)));
        }
        return results;
    }
}
