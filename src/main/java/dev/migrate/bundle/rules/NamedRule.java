package dev.migrate.bundle.rules;

/** A rule whose stable name is fixed at construction. */
abstract class NamedRule implements Rule {
    private final String name;

    NamedRule(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }
}
