package dev.migrate.cluster;

/** One entry of an object's {@code .status.conditions}. */
public record Condition(String type, String status, String reason, String message) {
}
