package dev.migrate.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-safe reads from JSON trees (maps, lists, scalars) as Jackson and fabric8 produce them. */
public final class Trees {
    private Trees() {
    }

    /** The value at a path of map keys, or null when any step is missing or not a map. */
    public static Object at(Object tree, String... path) {
        Object cur = tree;
        for (String key : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(key);
        }
        return cur;
    }

    public static String text(Object tree, String... path) {
        Object v = at(tree, path);
        return v == null ? "" : String.valueOf(v);
    }

    public static long number(Object tree, String... path) {
        Object v = at(tree, path);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? 0 : Long.parseLong(String.valueOf(v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object tree, String... path) {
        Object v = at(tree, path);
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** A map of strings (labels, annotations), empty when missing. */
    public static Map<String, String> strings(Object tree, String... path) {
        Map<String, String> out = new LinkedHashMap<>();
        if (at(tree, path) instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        return out;
    }

    /** The .status.conditions (or any conditions list) of an object. */
    public static List<Condition> conditions(Object tree, String... path) {
        List<Condition> out = new ArrayList<>();
        for (Object c : list(tree, path)) {
            out.add(new Condition(text(c, "type"), text(c, "status"), text(c, "reason"), text(c, "message")));
        }
        return out;
    }
}
