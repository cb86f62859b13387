package dev.migrate.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code {{name}}} placeholders in already-parsed templates. Substitution happens in the
 * parsed tree, never in YAML text, so a value can never change the structure of an object. Names
 * have no spaces, which keeps Prometheus and Grafana templates ({{ $value }}, {{model}} in
 * dashboards) apart: the dashboard only gets its two datasource placeholders replaced.
 */
final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z][a-z0-9-]*)}}");

    private Placeholders() {
    }

    /**
     * A copy of {@code node} with placeholders replaced. A string that is exactly one placeholder
     * becomes the typed value (a list stays a list); a placeholder inside text is replaced as text.
     */
    static Object replace(Object node, Map<String, Object> values, String template) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, replace(v, values, template)));
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(replace(v, values, template)));
            return out;
        }
        if (node instanceof String text) {
            Matcher whole = PLACEHOLDER.matcher(text);
            if (whole.matches()) {
                return value(values, whole.group(1), template);
            }
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                Object v = value(values, m.group(1), template);
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(v)));
            }
            m.appendTail(out);
            return out.toString();
        }
        return node;
    }

    private static Object value(Map<String, Object> values, String name, String template) {
        if (!values.containsKey(name)) {
            throw new IllegalStateException(template + ": unknown placeholder {{" + name + "}}");
        }
        return values.get(name);
    }

    /** Replaces only the given placeholders in JSON text, each value escaped as JSON string content. */
    static String replaceInJsonText(String json, Map<String, String> values) {
        String out = json;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", escapeJson(e.getValue()));
        }
        return out;
    }

    private static String escapeJson(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
