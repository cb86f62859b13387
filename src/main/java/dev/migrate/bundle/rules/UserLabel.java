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
 * The dashboard, the alerts and the Loki rules group by the label {@code user}, which Claude Code does
 * not send: the collector makes it (user.email when the client has a claude.ai login, else user.id).
 * Every metrics pipeline into a prometheus exporter and every logs pipeline therefore runs a transform
 * processor that sets it; a config without one shows every user as one blank row.
 */
public final class UserLabel extends CollectorRule {
    public static final String NAME = "collector.user-label";
    /** A set(...) of attributes["user"] in a datapoint or log statement. */
    private static final Pattern SETS_USER = Pattern.compile("set\\(\\s*(?:datapoint\\.|log\\.)?attributes\\[\"user\"]");

    public UserLabel() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (Map.Entry<String, JsonNode> pipeline : Parsed.pipelines(config)) {
            String type = Parsed.type(pipeline.getKey());
            boolean toPrometheus = Parsed.texts(pipeline.getValue().path("exporters")).stream()
                    .anyMatch(id -> Parsed.type(id).equals("prometheus"));
            if (!type.equals("logs") && !(type.equals("metrics") && toPrometheus)) {
                continue;
            }
            boolean sets = Parsed.texts(pipeline.getValue().path("processors")).stream()
                    .filter(id -> Parsed.type(id).equals("transform"))
                    .anyMatch(id -> SETS_USER.matcher(config.path("processors").path(id).toString().replace("\\\"", "\"")).find());
            (sets ? ok : problems).add("pipeline " + pipeline.getKey());
        }
        if (problems.isEmpty()) {
            return CheckResult.pass(NAME, ok.isEmpty() ? "no metrics or logs pipeline" : "user set in " + String.join(", ", ok));
        }
        return CheckResult.fail(NAME, String.join(", ", problems) + " sets no user attribute",
                "the dashboard, the alerts and the Loki rules group by user, which Claude Code does not send: without it"
                        + " every API-key user (no user.email) is one blank row and the per-user alert sums everyone",
                "keep the bundle's transform/identity processor (collector/config.yaml) in the metrics and logs pipelines");
    }
}
