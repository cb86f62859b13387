package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.RuleGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * kind alert-rules: Prometheus has loaded our PrometheusRule's groups ({@code /api/v1/rules}) and,
 * when listed, their alerts and recording rules. Fields: {@code groups}, {@code alerts} and {@code records}
 * (optional).
 */
final class AlertRulesCheck extends SpecCheck {
    AlertRulesCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        List<String> groups = spec.list("groups");
        if (groups.isEmpty()) {
            throw spec.bad("groups", "must list at least one rule group name");
        }
        Map<String, RuleGroup> loaded = ctx.prometheus().ruleGroups().stream()
                .collect(Collectors.toMap(RuleGroup::name, g -> g, (a, b) -> a));
        List<String> missing = groups.stream().filter(g -> !loaded.containsKey(g)).toList();
        if (!missing.isEmpty()) {
            return fail("loaded groups: " + (loaded.isEmpty() ? "none" : String.join(", ", loaded.keySet()))
                            + "; missing: " + String.join(", ", missing),
                    "Prometheus does not select our PrometheusRule (missing release label or ruleSelector/"
                            + "ruleNamespaceSelector mismatch), or it was not deployed",
                    "check the Prometheus object's ruleSelector and the PrometheusRule's labels; run 'migrate deploy'");
        }
        List<String> rules = new ArrayList<>();
        groups.forEach(g -> rules.addAll(loaded.get(g).rules()));
        List<String> missingAlerts = new ArrayList<>(spec.list("alerts"));
        missingAlerts.addAll(spec.list("records"));
        missingAlerts.removeIf(rules::contains);
        String observed = groups.size() + " group(s) loaded with " + rules.size() + " rule(s): " + String.join(", ", rules);
        if (!missingAlerts.isEmpty()) {
            return fail(observed + "; missing rules: " + String.join(", ", missingAlerts),
                    "the deployed PrometheusRule is older or different from the bundle",
                    "run 'migrate deploy' to apply the current rules");
        }
        return pass(observed);
    }
}
