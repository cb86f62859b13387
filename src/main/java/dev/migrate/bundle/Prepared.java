package dev.migrate.bundle;

import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.List;

/**
 * The first half of every deploy, dry or live: render the bundle and validate it. Unreadable
 * inputs (a collector config that is not YAML, a dashboard that is not JSON) stop here as bad
 * input; rule failures are left in the plan for the caller to print and act on.
 *
 * @param bundle the objects to apply, in apply order
 * @param plan   the printable plan with every rule result
 */
public record Prepared(Bundle bundle, BundlePlan plan) {
    public static Prepared of(Settings settings) {
        Bundle bundle = BundleRenderer.render(settings);
        List<CheckResult> results = BundleValidator.validate(bundle, settings);
        for (CheckResult r : results) {
            if (r.failed() && BundleValidator.INPUT_RULES.contains(r.name())) {
                throw new UserError(r.observed() + "; " + r.fix());
            }
        }
        return new Prepared(bundle, BundlePlan.of(bundle, results, settings));
    }
}
