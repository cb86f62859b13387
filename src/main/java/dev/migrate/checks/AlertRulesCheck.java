package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.RuleGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * kind alert-rules: Prometheus has loaded our PrometheusRule's groups ({@code /api/v1/rules}) and,
 * when listed, their alerts. Fields: {@code groups}, {@code alerts} (optional).
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
                    "prometheus-operator has not written our PrometheusRule into Prometheus's rule files: the operator is"
                            + " not running or has not reconciled since the deploy, or the Prometheus object does not select the"
                            + " PrometheusRule (missing release label or ruleSelector/ruleNamespaceSelector mismatch), or it was"
                            + " not deployed",
                    ScrapeTargetCheck.operatorFix("ruleSelector", "PrometheusRule") + "; if it was never deployed, run"
                            + " 'migrate deploy'");
        }
        List<String> rules = new ArrayList<>();
        groups.forEach(g -> rules.addAll(loaded.get(g).rules()));
        List<String> missingAlerts = spec.list("alerts").stream().filter(a -> !rules.contains(a)).toList();
        String observed = groups.size() + " group(s) loaded with " + rules.size() + " rule(s): " + String.join(", ", rules);
        if (!missingAlerts.isEmpty()) {
            return fail(observed + "; missing alerts: " + String.join(", ", missingAlerts),
                    "the deployed PrometheusRule is older or different from the bundle",
                    "run 'migrate deploy' to apply the current rules");
        }
        return pass(observed);
    }
}
