package dev.migrate.deploy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The --diff lines: added, removed, changed; server-owned fields never show. */
class ObjectDiffTest {
    @Test
    void serverOwnedFieldsAreIgnored() {
        Map<String, Object> live = Map.of("metadata", Map.of("name", "x", "resourceVersion", "7", "generation", 3,
                "managedFields", List.of(Map.of("manager", "migrate"))), "status", Map.of("replicas", 1));
        Map<String, Object> dry = Map.of("metadata", Map.of("name", "x", "resourceVersion", "8", "generation", 4));
        assertEquals(List.of(), ObjectDiff.between(live, dry));
    }

    @Test
    void addedRemovedAndChangedFields() {
        Map<String, Object> live = Map.of("spec", Map.of("replicas", 1, "ports", List.of(Map.of("port", 4317))),
                "data", Map.of("config.yaml", "a\nb\n"));
        Map<String, Object> dry = Map.of("spec", Map.of("replicas", 2, "paused", true),
                "data", Map.of("config.yaml", "a\nb\nc\n"));
        assertEquals(List.of("~ data.config.yaml: text changed (2 -> 3 lines)", "+ spec.paused: true",
                "- spec.ports[0].port: 4317", "~ spec.replicas: 1 -> 2"), ObjectDiff.between(live, dry));
    }
}
