package dev.migrate.bundle.rules;

/** A rule over the parsed Grafana dashboard. */
abstract class DashboardRule extends TreeRule {
    DashboardRule(String name) {
        super(name, Parsed::dashboard, "dashboard", DashboardJsonWellFormed.NAME);
    }
}
