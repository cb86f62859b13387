package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

/** A rule over the parsed dashboard; skipped when the dashboard is not JSON (that rule fails instead). */
abstract class DashboardRule implements Rule {
    @Override
    public final CheckResult check(Bundle bundle, Settings settings) {
        return Parsed.dashboard(bundle)
                .map(dashboard -> check(dashboard, bundle, settings))
                .orElseGet(() -> CheckResult.skipped(name(),
                        "the dashboard could not be parsed; see " + DashboardJsonWellFormed.NAME));
    }

    abstract CheckResult check(JsonNode dashboard, Bundle bundle, Settings settings);
}
