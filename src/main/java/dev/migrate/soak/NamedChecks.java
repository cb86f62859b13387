package dev.migrate.soak;

import dev.migrate.checks.CheckResult;

import java.util.Optional;

/** verify's checks, looked up by name, so a soak check can simply repeat one of them. */
public interface NamedChecks {
    /** Runs the named check now; empty when no check has that name. */
    Optional<CheckResult> run(String name);
}
