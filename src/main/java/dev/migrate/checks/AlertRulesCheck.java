package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi.RuleGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * kind alert-rules: Prometheus has loaded our PrometheusRule's groups ({@code /api/v1/rules}) and,
 * when listed, their alerts and recording rules. A missing group whose PrometheusRule prometheus-operator
 * rejected (with --context) is named with the invalid rule. Fields: {@code groups}, {@code alerts} and
 * {@code records} (optional).
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
            Optional<CheckResult> rejected = rejected(ctx, loaded, missing);
            if (rejected.isPresent()) {
                return rejected.get();
            }
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

    /**
     * With the cluster at hand: the PrometheusRule holding a missing group, when prometheus-operator
     * rejected it. The operator validates every rule with Prometheus' rule parser and skips the whole
     * object when one is invalid (no admission webhook refuses it at apply unless the chart's runs),
     * reporting it only as an InvalidConfiguration event and a log line. The rule at fault is found
     * by asking Prometheus to parse each expression.
     */
    private Optional<CheckResult> rejected(CheckContext ctx, Map<String, RuleGroup> loaded, List<String> missing) {
        if (ctx.cluster().isEmpty()) {
            return Optional.empty();
        }
        List<ClusterStatus.PrometheusRules> live;
        try {
            live = ctx.cluster().get().prometheusRules(ctx.namespace());
        } catch (RuntimeException e) {
            return Optional.empty(); // the objects cannot be read (RBAC, API server): judge by Prometheus alone
        }
        for (ClusterStatus.PrometheusRules pr : live) {
            if (pr.rules().stream().noneMatch(r -> missing.contains(r.group()))) {
                continue;
            }
            String invalid = "";
            for (ClusterStatus.Rule r : pr.rules()) {
                Optional<String> error = ctx.prometheus().parseError(r.expr());
                if (error.isPresent()) {
                    invalid = "rule " + r.name() + " (group " + r.group() + ") has an invalid expr: " + error.get();
                    break;
                }
            }
            if (pr.rejections().isEmpty() && invalid.isEmpty()) {
                continue;
            }
            String object = "PrometheusRule " + ctx.namespace() + "/" + pr.name();
            String operator = pr.rejections().isEmpty() ? ""
                    : "; prometheus-operator: " + pr.rejections().get(pr.rejections().size() - 1);
            return Optional.of(fail("loaded groups: " + (loaded.isEmpty() ? "none" : String.join(", ", loaded.keySet()))
                            + "; missing: " + String.join(", ", missing) + "; " + object + " was rejected" + operator,
                    (invalid.isEmpty() ? "prometheus-operator found a rule of " + object + " invalid (its log line 'invalid rule'"
                            + " names it)" : invalid) + "; the operator skips the whole PrometheusRule, so Prometheus loads"
                            + " none of its groups",
                    "correct the rule in " + object + " (kubectl -n " + ctx.namespace() + " edit prometheusrule " + pr.name()
                            + "), or run 'migrate deploy' to re-apply the bundle's rules"));
        }
        return Optional.empty();
    }
}
