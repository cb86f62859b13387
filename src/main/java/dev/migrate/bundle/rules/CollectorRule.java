package dev.migrate.bundle.rules;

/** A rule over the parsed collector config. */
abstract class CollectorRule extends TreeRule {
    CollectorRule(String name) {
        super(name, Parsed::collector, "collector config", CollectorYamlWellFormed.NAME);
    }
}
