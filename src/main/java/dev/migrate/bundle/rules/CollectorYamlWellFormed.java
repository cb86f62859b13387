package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

/** The collector config parses as a YAML mapping; the failure names file:line:column. */
public final class CollectorYamlWellFormed extends NamedRule {
    public static final String NAME = "collector.yaml-well-formed";

    public CollectorYamlWellFormed() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        Parsed.Result r = Parsed.collectorYaml(bundle);
        if (r.ok()) {
            return CheckResult.pass(NAME, bundle.collectorOrigin() + " parses ("
                    + bundle.collectorConfig().lines().count() + " lines)");
        }
        return CheckResult.fail(NAME, r.error(), "the collector would refuse to start with this config",
                r.error().contains("a YAML alias") ? "write the aliased value out at each place it is used"
                        : "fix the YAML at the line and column shown (indentation, a missing ':' or an unclosed quote)");
    }
}
