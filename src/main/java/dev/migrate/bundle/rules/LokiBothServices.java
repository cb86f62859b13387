package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every LogQL stream selector on service_name covers both apps: Claude Code Desktop sessions report
 * service.name claude-code-desktop (Claude Code docs, "Monitoring"), so {service_name="claude-code"} silently
 * leaves them out. Loki's =~ is anchored, like Java's matches().
 */
public final class LokiBothServices extends DashboardRule {
    public static final String NAME = "dashboard.loki-both-services";
    public static final List<String> SERVICES = List.of("claude-code", "claude-code-desktop");
    private static final Pattern SERVICE = Pattern.compile("\\{[^}]*?\\bservice_name\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    public LokiBothServices() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode dashboard, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (Map.Entry<String, String> e : Parsed.dashboardExprs(dashboard)) {
            Matcher m = SERVICE.matcher(e.getValue());
            while (m.find()) {
                selectors++;
                List<String> missed = new ArrayList<>();
                for (String service : SERVICES) {
                    if (!selects(m.group(1), m.group(2).replace("\\\\", "\\"), service)) {
                        missed.add(service);
                    }
                }
                if (!missed.isEmpty()) {
                    problems.add("'" + e.getKey() + "' (service_name" + m.group(1) + "\"" + m.group(2) + "\") misses "
                            + String.join(", ", missed));
                }
            }
        }
        return Verdict.of(NAME, problems, selectors + " Loki stream selectors, each covering claude-code and claude-code-desktop",
                "Desktop app sessions arrive as service_name=\"claude-code-desktop\": a panel that names only claude-code never shows them",
                "select both: {service_name=~\"claude-code|claude-code-desktop\"}");
    }

    private static boolean selects(String op, String value, String service) {
        try {
            return switch (op) {
                case "=" -> value.equals(service);
                case "!=" -> !value.equals(service);
                case "=~" -> service.matches(value);
                default -> !service.matches(value);
            };
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
