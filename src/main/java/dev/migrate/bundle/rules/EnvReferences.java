package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every ${env:NAME} the collector config expands is set on the collector container (or has a
 * :-default). Settings reach the config this way (LOKI_OTLP_ENDPOINT), so a user config naming a
 * variable the Deployment does not set would start with an empty endpoint. Only values are
 * scanned, not comments, which the collector never expands.
 */
public final class EnvReferences extends CollectorRule {
    public static final String NAME = "collector.env-references";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

    public EnvReferences() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        Set<String> set = new LinkedHashSet<>();
        Parsed.object(bundle, "Deployment").ifPresent(d -> d.at("/spec/template/spec/containers/0/env")
                .forEach(e -> set.add(e.path("name").asText())));
        Set<String> used = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        scan(config, used, set, problems);
        return Verdict.of(NAME, problems, used.isEmpty() ? "no environment references"
                        : "every reference set on the container: " + String.join(", ", used),
                "the collector expands an unset variable to an empty string and fails to start, or sends to nowhere",
                "set the variable under the Deployment's env, give it a default (${env:NAME:-value}), or write the value "
                        + "into the config");
    }

    private static void scan(JsonNode node, Set<String> used, Set<String> set, List<String> problems) {
        if (node.isTextual()) {
            Matcher m = REFERENCE.matcher(node.asText());
            while (m.find()) {
                String name = m.group(1);
                used.add(name);
                if (m.group(2) == null && !set.contains(name) && problems.stream().noneMatch(p -> p.startsWith(name + " "))) {
                    problems.add(name + " is used by the config but not set on the collector container " + set);
                }
            }
        }
        node.forEach(child -> scan(child, used, set, problems));
    }
}
