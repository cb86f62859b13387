package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The dashboard defines the filter variables user, model, machine and terminal, and every query over
 * Claude Code data (a claude_code_* metric, a recorded claude_code:* series or a service_name stream) uses all four: a panel that ignores
 * one keeps showing everyone's numbers while the operator believes the page is filtered.
 */
public final class TemplateVariables extends DashboardRule {
    public static final String NAME = "dashboard.template-variables";
    public static final List<String> VARIABLES = List.of("user", "model", "machine", "terminal");
    private static final Pattern DATA = Pattern.compile("\\bclaude_code[_:][A-Za-z0-9_:]+|\\{[^}]*\\bservice_name\\s*[=!]");

    public TemplateVariables() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode dashboard, Bundle bundle, Settings settings) {
        Set<String> defined = new LinkedHashSet<>();
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        List<String> problems = new ArrayList<>();
        List<String> undefined = VARIABLES.stream().filter(v -> !defined.contains(v)).toList();
        if (!undefined.isEmpty()) {
            problems.add("no template variable " + String.join(", ", undefined) + " in templating.list");
        }
        int queries = 0;
        for (Map.Entry<String, String> e : Parsed.dashboardExprs(dashboard)) {
            if (!DATA.matcher(e.getValue()).find()) {
                continue;
            }
            queries++;
            List<String> ignored = VARIABLES.stream().filter(v -> !uses(e.getValue(), v)).toList();
            if (!ignored.isEmpty()) {
                problems.add("'" + e.getKey() + "' ignores $" + String.join(", $", ignored));
            }
        }
        return Verdict.of(NAME, problems, "variables " + String.join(", ", VARIABLES) + " defined; " + queries
                        + " queries use all of them",
                "a panel that ignores a filter variable shows unfiltered numbers under a filtered dashboard",
                "define the variables (label_values over user, model, machine_name, terminal_type, All = .*) and filter"
                        + " every selector: {user=~\"$user\", model=~\"$model\", machine_name=~\"$machine\","
                        + " terminal_type=~\"$terminal\"}, in LogQL | user=~\"$user\" ...");
    }

    private static boolean uses(String expr, String variable) {
        return Pattern.compile("\\$" + variable + "\\b|\\$\\{" + variable + "[}:]|\\[\\[" + variable + "[]:]").matcher(expr).find();
    }
}
