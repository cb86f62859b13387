package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every alert threshold comes from a setting, so `migrate config` shows it and changing it is a settings
 * change (in the digest a soak proved), not an edit of a template. An alert that compares with a number
 * other than 0 names its setting in the annotation threshold_setting, and the number is that setting's
 * value. Time-of-day windows (hour(), day_of_week() ...) are not thresholds. Covers the PrometheusRule and
 * the Loki ruler ConfigMap when it is deployed.
 */
public final class ThresholdsAreSettings extends NamedRule {
    public static final String NAME = "alerts.thresholds-are-settings";
    public static final String ANNOTATION = "threshold_setting";
    private static final Pattern COMPARISON = Pattern.compile("(==|!=|>=|<=|>|<)\\s*(?:bool\\s+)?(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)\\b");
    private static final Pattern TIME_WINDOW = Pattern.compile(
            "\\b(?:hour|minute|day_of_week|day_of_month|days_in_month|month|year)\\(\\)(?:\\s*(?:==|!=|>=|<=|>|<)\\s*(?:bool\\s+)?\\d+)+");

    public ThresholdsAreSettings() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        int thresholds = 0;
        for (JsonNode groups : ruleGroups(bundle)) {
            for (JsonNode group : groups) {
                for (JsonNode r : group.path("rules")) {
                    if (!r.hasNonNull("alert")) {
                        continue;
                    }
                    String alert = r.get("alert").asText();
                    String setting = r.path("annotations").path(ANNOTATION).asText("");
                    Matcher m = COMPARISON.matcher(TIME_WINDOW.matcher(r.path("expr").asText()).replaceAll(""));
                    while (m.find()) {
                        double literal = Double.parseDouble(m.group(2));
                        if (literal == 0) {
                            continue; // "any at all" is a condition, not a threshold
                        }
                        thresholds++;
                        Optional<SettingKey> key = SettingKeys.byName(setting);
                        if (setting.isEmpty()) {
                            problems.add(alert + " compares with " + m.group(2) + " and names no setting (" + ANNOTATION + ")");
                        } else if (key.isEmpty()) {
                            problems.add(alert + " names " + ANNOTATION + " " + setting + ", which is not a setting");
                        } else if (!matches(settings.raw(key.get()), literal)) {
                            problems.add(alert + " compares with " + m.group(2) + " but " + setting + " is "
                                    + settings.raw(key.get()));
                        }
                    }
                }
            }
        }
        return Verdict.of(NAME, problems, thresholds + " alert thresholds, each the value of the setting it names",
                "a threshold written into the rule is invisible in 'migrate config' and silently survives a settings change",
                "make the number a setting: add it to SettingKeys, write \"{{setting-name}}\" in the rule and name it in the"
                        + " annotation " + ANNOTATION);
    }

    private static boolean matches(String raw, double literal) {
        try {
            return Double.parseDouble(raw) == literal;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The groups of every PrometheusRule and of the Loki ruler ConfigMap's rule files. */
    private static List<JsonNode> ruleGroups(Bundle bundle) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rule : Parsed.objects(bundle, "PrometheusRule")) {
            out.add(rule.path("spec").path("groups"));
        }
        for (JsonNode cm : Parsed.objects(bundle, "ConfigMap")) {
            if (cm.path("metadata").path("labels").has("loki_rule")) {
                cm.path("data").forEach(file -> {
                    try {
                        out.add(Json.YAML.readTree(file.asText()).path("groups"));
                    } catch (IOException e) {
                        // not YAML: nothing to compare here; Loki's ruler reports it on load
                    }
                });
            }
        }
        return out;
    }
}
