package dev.migrate.cluster.preflight;

import dev.migrate.checks.CheckResult;

/** One read-only question asked of the cluster before anything is written. */
public interface PreflightCheck {
    /** Stable name, used by --skip-check and in reports. */
    String name();

    /** One line for the plan: what it looks at. */
    String description();

    CheckResult run(PreflightContext context);
}
