package dev.migrate.checks;

/** The outcome of one check or rule. */
public enum Status {
    PASS, FAIL, INCONCLUSIVE, SKIPPED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
