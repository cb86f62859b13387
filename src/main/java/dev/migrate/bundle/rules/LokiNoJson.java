package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * No LogQL query parses Claude Code's OTLP events with | json: their attributes are structured
 * metadata (event_name, model, duration_ms ...), not a JSON body, so | json yields parse errors
 * and the panel stays empty.
 */
public final class LokiNoJson extends DashboardRule {
    public static final String NAME = "dashboard.loki-no-json";
    private static final Pattern JSON_STAGE = Pattern.compile("\\|\\s*json\\b");

    public LokiNoJson() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode dashboard, Bundle bundle, Settings settings) {
        List<String> panels = new ArrayList<>();
        int logQueries = 0;
        for (Map.Entry<String, String> e : Parsed.dashboardExprs(dashboard)) {
            if (e.getValue().contains("{service_name")) {
                logQueries++;
            }
            if (JSON_STAGE.matcher(e.getValue()).find()) {
                panels.add("'" + e.getKey() + "'");
            }
        }
        if (panels.isEmpty()) {
            return CheckResult.pass(NAME, logQueries + " Loki queries, none uses | json");
        }
        return CheckResult.fail(NAME, "| json in " + String.join(", ", panels),
                "Loki stores OTLP log attributes as structured metadata; | json tries to parse the body and the panel "
                        + "shows nothing (or __error__ rows)",
                "drop | json and filter the metadata directly, e.g. {service_name=\"claude-code\"} | event_name=\"api_request\"");
    }
}
