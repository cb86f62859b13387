package dev.migrate.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes metav1.LabelSelector: matchLabels and matchExpressions, ANDed. An empty selector
 * matches everything. Whether a missing (null) selector matches nothing or "own namespace only" is
 * the caller's business (prometheus-operator gives the two nils different meanings).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** @param operator In, NotIn, Exists or DoesNotExist */
    public record Requirement(String key, String operator, List<String> values) {
        public Requirement {
            values = List.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            return switch (operator) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false; // an operator the API server would have rejected; select nothing
            };
        }

        @Override
        public String toString() {
            return switch (operator) {
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> key + " " + operator.toLowerCase(java.util.Locale.ROOT) + " (" + String.join(",", values) + ")";
            };
        }
    }

    public boolean isEmpty() {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return matchExpressions.stream().allMatch(r -> r.matches(labels));
    }

    /** From a JSON tree; null stays null (the "nil selector"). */
    @SuppressWarnings("unchecked")
    public static LabelSelector fromTree(Object tree) {
        if (!(tree instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (map.get("matchLabels") instanceof Map<?, ?> ml) {
            ml.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        }
        List<Requirement> reqs = new ArrayList<>();
        if (map.get("matchExpressions") instanceof List<?> exprs) {
            for (Object o : exprs) {
                if (o instanceof Map<?, ?> m) {
                    List<String> values = new ArrayList<>();
                    if (m.get("values") instanceof List<?> vs) {
                        vs.forEach(v -> values.add(String.valueOf(v)));
                    }
                    reqs.add(new Requirement(String.valueOf(m.get("key")), String.valueOf(m.get("operator")), values));
                }
            }
        }
        return new LabelSelector(labels, reqs);
    }

    /** As kubectl writes selectors: {@code release=prometheus,team in (a,b)}; {} prints as "{} (everything)". */
    @Override
    public String toString() {
        if (isEmpty()) {
            return "{} (everything)";
        }
        List<String> parts = new ArrayList<>();
        matchLabels.forEach((k, v) -> parts.add(k + "=" + v));
        matchExpressions.forEach(r -> parts.add(r.toString()));
        return String.join(",", parts);
    }
}
