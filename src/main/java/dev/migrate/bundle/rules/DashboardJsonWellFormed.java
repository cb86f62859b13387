package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

/** The dashboard parses as a JSON object; the failure names file:line:column. */
public final class DashboardJsonWellFormed extends NamedRule {
    public static final String NAME = "dashboard.json-well-formed";

    public DashboardJsonWellFormed() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        Parsed.Result r = Parsed.dashboardJson(bundle);
        if (r.ok()) {
            return CheckResult.pass(NAME, bundle.dashboardOrigin() + " parses ("
                    + r.tree().path("panels").size() + " top-level panels)");
        }
        return CheckResult.fail(NAME, r.error(), "Grafana's sidecar would skip a dashboard that is not JSON",
                "fix the JSON at the line and column shown, or export the dashboard again from Grafana");
    }
}
