package dev.migrate.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** metav1.LabelSelector semantics: matchLabels and matchExpressions ANDed; {} matches all; unset stays null. */
class LabelSelectorTest {
    static final Map<String, String> OURS = Map.of("release", "prometheus", "app.kubernetes.io/managed-by", "migrate");

    @Test
    void matchLabelsAndExpressionsAreAnded() {
        LabelSelector sel = LabelSelector.fromTree(Map.of("matchLabels", Map.of("release", "prometheus"),
                "matchExpressions", List.of(Map.of("key", "app.kubernetes.io/managed-by", "operator", "In",
                        "values", List.of("migrate", "helm")))));
        assertTrue(sel.matches(OURS));
        assertFalse(sel.matches(Map.of("release", "prometheus")));
        assertEquals("release=prometheus,app.kubernetes.io/managed-by in (migrate,helm)", sel.toString());
    }

    @Test
    void operators() {
        assertTrue(expr("team", "NotIn", "a").matches(OURS));
        assertFalse(expr("release", "NotIn", "prometheus").matches(OURS));
        assertTrue(expr("release", "Exists").matches(OURS));
        assertFalse(expr("release", "DoesNotExist").matches(OURS));
        assertFalse(expr("release", "Gt", "1").matches(OURS), "an unknown operator selects nothing");
    }

    @Test
    void emptySelectsAllAndUnsetIsNull() {
        assertTrue(LabelSelector.fromTree(Map.of()).matches(Map.of()));
        assertEquals("{} (everything)", LabelSelector.fromTree(Map.of()).toString());
        assertNull(LabelSelector.fromTree(null));
    }

    static LabelSelector expr(String key, String op, String... values) {
        return LabelSelector.fromTree(Map.of("matchExpressions", List.of(Map.of("key", key, "operator", op,
                "values", List.of(values)))));
    }
}
