package dev.migrate.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a server dry-run would change, as lines {@code + path: value}, {@code - path: value},
 * {@code ~ path: old -> new}. Fields the server owns (managedFields, resourceVersion, generation,
 * timestamps, uid, status) are ignored, so a no-op apply diffs to nothing.
 */
public final class ObjectDiff {
    private static final Set<String> IGNORED = Set.of("metadata.managedFields", "metadata.resourceVersion",
            "metadata.generation", "metadata.creationTimestamp", "metadata.uid", "metadata.selfLink", "status");
    private static final int MAX_VALUE = 80;

    private ObjectDiff() {
    }

    public static List<String> between(Map<String, Object> live, Map<String, Object> wanted) {
        Map<String, String> before = flatten(live);
        Map<String, String> after = flatten(wanted);
        List<String> lines = new ArrayList<>();
        TreeMap<String, Boolean> paths = new TreeMap<>();
        before.keySet().forEach(p -> paths.put(p, true));
        after.keySet().forEach(p -> paths.put(p, true));
        for (String path : paths.keySet()) {
            String a = before.get(path);
            String b = after.get(path);
            if (a == null) {
                lines.add("+ " + path + ": " + shorten(b));
            } else if (b == null) {
                lines.add("- " + path + ": " + shorten(a));
            } else if (!a.equals(b)) {
                lines.add("~ " + path + ": " + describeChange(a, b));
            }
        }
        return lines;
    }

    static Map<String, String> flatten(Map<String, Object> tree) {
        Map<String, String> out = new TreeMap<>();
        if (tree != null) {
            walk("", tree, out);
        }
        return out;
    }

    private static void walk(String path, Object node, Map<String, String> out) {
        if (IGNORED.contains(path)) {
            return;
        }
        if (node instanceof Map<?, ?> m) {
            if (m.isEmpty() && !path.isEmpty()) {
                out.put(path, "{}");
            }
            m.forEach((k, v) -> walk(path.isEmpty() ? String.valueOf(k) : path + "." + k, v, out));
        } else if (node instanceof List<?> l) {
            if (l.isEmpty()) {
                out.put(path, "[]");
            }
            for (int i = 0; i < l.size(); i++) {
                walk(path + "[" + i + "]", l.get(i), out);
            }
        } else {
            out.put(path, String.valueOf(node));
        }
    }

    private static String describeChange(String a, String b) {
        if (a.contains("\n") || b.contains("\n")) {
            return "text changed (" + a.lines().count() + " -> " + b.lines().count() + " lines)";
        }
        return shorten(a) + " -> " + shorten(b);
    }

    private static String shorten(String v) {
        String one = v.contains("\n") ? v.lines().count() + " lines of text" : v;
        return one.length() > MAX_VALUE ? one.substring(0, MAX_VALUE) + "..." : one;
    }
}
