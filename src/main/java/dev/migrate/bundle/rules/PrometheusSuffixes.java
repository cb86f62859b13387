package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The prometheus exporter keeps the unit and _total suffixes every query expects
 * (claude_code_cost_usage_USD_total, claude_code_token_usage_tokens_total, ...).
 */
public final class PrometheusSuffixes extends CollectorRule {
    public static final String NAME = "collector.prometheus-suffixes";
    /** translation_strategy values that drop the suffixes. */
    private static final Set<String> SUFFIXLESS = Set.of("UnderscoreEscapingWithoutSuffixes", "NoTranslation");

    public PrometheusSuffixes() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<Map.Entry<String, JsonNode>> exporters = Parsed.ofType(config, "exporters", "prometheus");
        if (exporters.isEmpty()) {
            return CheckResult.fail(NAME, "no prometheus exporter",
                    "the ServiceMonitor scrapes the prometheus exporter on port 8889; without it no Claude Code metric "
                            + "reaches Prometheus",
                    "add exporters.prometheus (endpoint 0.0.0.0:8889) to the metrics pipeline");
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : exporters) {
            JsonNode suffixes = e.getValue().path("add_metric_suffixes");
            if (suffixes.isBoolean() && !suffixes.asBoolean()) {
                problems.add(e.getKey() + ".add_metric_suffixes: false");
            }
            String strategy = e.getValue().path("translation_strategy").asText("");
            if (SUFFIXLESS.contains(strategy)) {
                problems.add(e.getKey() + ".translation_strategy: " + strategy);
            }
        }
        return Verdict.of(NAME, problems, "suffixes kept (claude_code_cost_usage_USD_total ...)",
                "metric names lose _USD, _tokens, _seconds and _total, so every dashboard panel, alert and verify "
                        + "check reads nothing",
                "remove the option (the default keeps suffixes) or use translation_strategy: UnderscoreEscapingWithSuffixes");
    }
}
