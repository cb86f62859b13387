package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every Prometheus and Loki datasource the dashboard names is the cluster's (settings
 * prometheus-datasource-uid / loki-datasource-uid). The upstream dashboard's hard-coded
 * PBFA97CFB590B2093 is called out by name: it exists only on the old Compose Grafana.
 */
public final class DatasourceUids extends DashboardRule {
    public static final String NAME = "dashboard.datasource-uids";
    public static final String UPSTREAM_UID = "PBFA97CFB590B2093";
    /** Grafana's built-in pseudo datasources, valid anywhere. */
    private static final Set<String> BUILT_IN = Set.of("grafana", "-- Grafana --", "-- Mixed --", "-- Dashboard --", "datasource");

    public DatasourceUids() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode dashboard, Bundle bundle, Settings settings) {
        Set<String> known = Set.of(settings.prometheusDatasourceUid(), settings.lokiDatasourceUid());
        Map<String, Set<String>> wrong = new LinkedHashMap<>(); // uid -> panel titles
        int[] checked = {0};
        walk(dashboard, "(dashboard)", (title, ds) -> {
            String uid;
            String type = "";
            if (ds.isTextual()) {
                uid = ds.asText();
            } else if (ds.isObject()) {
                uid = ds.path("uid").asText("");
                type = ds.path("type").asText("");
            } else {
                return;
            }
            checked[0]++;
            if (uid.isEmpty() || uid.startsWith("$") || BUILT_IN.contains(uid) || BUILT_IN.contains(type)) {
                return; // a dashboard variable, or Grafana's own
            }
            String expected = switch (type) {
                case "prometheus" -> settings.prometheusDatasourceUid();
                case "loki" -> settings.lokiDatasourceUid();
                default -> null;
            };
            boolean ok = expected == null ? known.contains(uid) : expected.equals(uid);
            if (!ok) {
                wrong.computeIfAbsent(uid + (type.isEmpty() ? "" : " (" + type + ")"), k -> new LinkedHashSet<>()).add(title);
            }
        });
        if (wrong.isEmpty()) {
            return CheckResult.pass(NAME, checked[0] + " datasource references, all " + settings.prometheusDatasourceUid()
                    + " or " + settings.lokiDatasourceUid());
        }
        StringBuilder observed = new StringBuilder();
        wrong.forEach((uid, titles) -> observed.append(observed.length() == 0 ? "" : "; ").append("uid ").append(uid)
                .append(" in ").append(titles.size()).append(" panels (e.g. '").append(titles.iterator().next()).append("')"));
        boolean upstream = wrong.keySet().stream().anyMatch(k -> k.startsWith(UPSTREAM_UID));
        String cause = upstream
                ? UPSTREAM_UID + " is the upstream dashboard's Prometheus UID on the old Compose Grafana; it does not exist "
                        + "in the cluster, so those panels show 'datasource not found'"
                : "those datasources do not exist in the cluster's Grafana, so their panels show 'datasource not found'";
        return CheckResult.fail(NAME, observed.toString(), cause,
                "replace them with " + settings.prometheusDatasourceUid() + " (Prometheus) and " + settings.lokiDatasourceUid()
                        + " (Loki), or set " + SettingKeys.PROMETHEUS_DATASOURCE_UID.name() + " / "
                        + SettingKeys.LOKI_DATASOURCE_UID.name() + " to the cluster's UIDs");
    }

    private interface Visitor {
        void datasource(String panelTitle, JsonNode datasource);
    }

    /** Visits every "datasource" field, remembering the nearest panel title. */
    private static void walk(JsonNode node, String title, Visitor visitor) {
        if (node.isObject()) {
            String here = node.hasNonNull("title") && node.has("type") ? node.get("title").asText() : title;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("datasource")) {
                    visitor.datasource(here, e.getValue());
                } else {
                    walk(e.getValue(), here, visitor);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> walk(child, title, visitor));
        }
    }
}
