package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

/** One offline validation rule over the rendered bundle. Pure: no network, no files. */
public interface Rule {
    /** Stable identifier, e.g. collector.memory-limiter-first; also the CheckResult name. */
    String name();

    CheckResult check(Bundle bundle, Settings settings);
}
