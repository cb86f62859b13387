package dev.migrate.settings;

/**
 * Where one value came from, precise enough for the operator to go and change it.
 *
 * @param source which layer won
 * @param detail the file path, environment variable or flag that supplied it
 */
public record Provenance(Source source, String detail) {
    public String describe() {
        return switch (source) {
            case DEFAULT -> "default";
            case FILE -> "file " + detail;
            case ENV -> "env " + detail;
            case FLAG -> "flag " + detail;
        };
    }
}
