package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

/** A rule over the parsed collector config; skipped when the config is not YAML (that rule fails instead). */
abstract class CollectorRule implements Rule {
    @Override
    public final CheckResult check(Bundle bundle, Settings settings) {
        return Parsed.collector(bundle)
                .map(config -> check(config, bundle, settings))
                .orElseGet(() -> CheckResult.skipped(name(),
                        "the collector config could not be parsed; see " + CollectorYamlWellFormed.NAME));
    }

    abstract CheckResult check(JsonNode config, Bundle bundle, Settings settings);
}
