package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.TestBundles;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Predicate;

import static dev.migrate.bundle.TestBundles.withDashboard;
import static dev.migrate.bundle.rules.RuleAssertions.fails;
import static dev.migrate.bundle.rules.RuleAssertions.passes;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules over the Grafana dashboard and the alert expressions. */
class DashboardRulesTest {
    private static final Settings SETTINGS = TestBundles.settings();
    private static final Bundle DEFAULT = TestBundles.defaults();

    /** The first panel (rows excluded) matching {@code which}. */
    private static ObjectNode panel(ObjectNode dashboard, Predicate<JsonNode> which) {
        for (JsonNode p : dashboard.get("panels")) {
            if (!p.path("type").asText().equals("row") && which.test(p)) {
                return (ObjectNode) p;
            }
        }
        throw new AssertionError("no such panel in the built-in dashboard");
    }

    private static Predicate<JsonNode> titled(String title) {
        return p -> p.path("title").asText().equals(title);
    }

    private static Predicate<JsonNode> usingLoki() {
        return p -> p.path("datasource").path("type").asText().equals("loki");
    }

    @Nested
    class JsonWellFormed {
        final Rule rule = new DashboardJsonWellFormed();

        @Test
        void builtInDashboardParses() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void truncatedJsonIsReportedWithLineAndColumn() {
            CheckResult r = fails(rule, TestBundles.withDashboardText("{\n  \"panels\": [\n    {\"title\": \"x\",\n"),
                    SETTINGS, "test-dashboard.json:", "not valid JSON");
            assertTrue(r.observed().matches("test-dashboard\\.json:\\d+:\\d+: .*"), r.observed());
        }
    }

    @Nested
    class DatasourceUidsRule {
        final Rule rule = new DatasourceUids();

        @Test
        void builtInUsesTheClusterUids() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void upstreamUidIsCaughtAndNamed() {
            Bundle b = withDashboard(d -> ((ObjectNode) panel(d, titled("Total cost")).get("datasource"))
                    .put("uid", DatasourceUids.UPSTREAM_UID));
            CheckResult r = fails(rule, b, SETTINGS, "uid PBFA97CFB590B2093 (prometheus)", "'Total cost'");
            assertTrue(r.cause().contains("upstream dashboard"), r.cause());
        }

        @Test
        void legacyStringDatasourceIsCheckedToo() {
            fails(rule, withDashboard(d -> panel(d, titled("Sessions")).put("datasource", DatasourceUids.UPSTREAM_UID)),
                    SETTINGS, "uid PBFA97CFB590B2093");
        }

        @Test
        void clusterWithOtherUidsFailsForTheBuiltInDashboard() {
            Settings other = SETTINGS.with(Map.of("loki-datasource-uid", "loki-main"));
            CheckResult r = fails(rule, TestBundles.defaults(), other, "uid loki (loki)");
            assertTrue(r.fix().contains("loki-main"), r.fix());
        }

        @Test
        void renderingWithOtherUidsPasses() {
            Settings other = SETTINGS.with(Map.of("prometheus-datasource-uid", "prom-main", "loki-datasource-uid", "loki-main"));
            passes(rule, dev.migrate.bundle.BundleRenderer.render(other), other);
        }

        @Test
        void dashboardVariablesAreAccepted() {
            passes(rule, withDashboard(d -> ((ObjectNode) panel(d, titled("Sessions")).get("datasource"))
                    .put("uid", "${DS_PROMETHEUS}")), SETTINGS);
        }
    }

    @Nested
    class LokiNoJsonRule {
        final Rule rule = new LokiNoJson();

        @Test
        void builtInFiltersStructuredMetadata() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void jsonStageInALokiPanelFails() {
            Bundle b = withDashboard(d -> {
                ObjectNode target = (ObjectNode) panel(d, usingLoki()).get("targets").get(0);
                target.put("expr", "{service_name=\"claude-code\"} | json | event_name=\"api_request\"");
            });
            fails(rule, b, SETTINGS, "| json in 'Client mix: OS, architecture, version'"); // the first Loki panel
        }
    }

    @Nested
    class OneShotCountersRule {
        final Rule rule = new OneShotCounters();

        @Test
        void builtInNeverUsesIncreaseOnOneShotCounters() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void increaseOnPullRequestsInTheDashboardFails() {
            Bundle b = withDashboard(d -> ((ObjectNode) panel(d, titled("Pull requests")).get("targets").get(0))
                    .put("expr", "sum(increase(claude_code_pull_request_count_total[$__range]))"));
            fails(rule, b, SETTINGS, "'Pull requests' uses increase(claude_code_pull_request_count_total)");
        }

        @Test
        void rateOnSessionsInAnAlertRuleFails() {
            Bundle b = TestBundles.withObject("PrometheusRule", r -> {
                ArrayNode rules = (ArrayNode) r.at("/spec/groups/0/rules");
                rules.addObject().put("alert", "NoSessions").put("expr", "sum(rate(claude_code_session_count_total[1h])) == 0");
            });
            fails(rule, b, SETTINGS, "'rule NoSessions' uses rate(claude_code_session_count_total)");
        }

        @Test
        void increaseOnALongLivedCounterIsAllowed() {
            passes(rule, withDashboard(d -> ((ObjectNode) panel(d, titled("Total cost")).get("targets").get(0))
                    .put("expr", "sum(increase(claude_code_cost_usage_USD_total[$__range]))")), SETTINGS);
        }
    }

    @Nested
    class LokiBothServicesRule {
        final Rule rule = new LokiBothServices();

        @Test
        void builtInSelectsCliAndDesktop() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void aPanelNamingOnlyClaudeCodeFails() {
            Bundle b = withDashboard(d -> {
                ObjectNode target = (ObjectNode) panel(d, usingLoki()).get("targets").get(0);
                target.put("expr", target.get("expr").asText().replace("service_name=~\"claude-code|claude-code-desktop\"",
                        "service_name=\"claude-code\""));
            });
            fails(rule, b, SETTINGS, "'Client mix: OS, architecture, version'", "misses claude-code-desktop"); // the first Loki panel
        }

        @Test
        void aRegexThatMissesDesktopFailsToo() {
            Bundle b = withDashboard(d -> ((ObjectNode) panel(d, usingLoki()).get("targets").get(0))
                    .put("expr", "{service_name=~\"claude-code\"} | event_name=\"api_request\""));
            fails(rule, b, SETTINGS, "misses claude-code-desktop");
        }
    }

    @Nested
    class TemplateVariablesRule {
        final Rule rule = new TemplateVariables();

        @Test
        void builtInDefinesAndUsesEveryFilter() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void aPanelIgnoringMachineFails() {
            Bundle b = withDashboard(d -> {
                ObjectNode target = (ObjectNode) panel(d, titled("Cost by model")).get("targets").get(0);
                target.put("expr", target.get("expr").asText().replace(", machine_name=~\"$machine\"", ""));
            });
            fails(rule, b, SETTINGS, "'Cost by model' ignores $machine");
        }

        @Test
        void aDashboardWithoutTheVariablesIsReported() {
            Bundle b = withDashboard(d -> ((ObjectNode) d.get("templating")).putArray("list"));
            fails(rule, b, SETTINGS, "no template variable user, model, machine, terminal");
        }
    }

    @Nested
    class SessionsExcludeAgentsViewRule {
        final Rule rule = new SessionsExcludeAgentsView();

        @Test
        void builtInLeavesAgentsViewOutOfEveryCount() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void aSessionCountIncludingAgentsViewFails() {
            Bundle b = withDashboard(d -> ((ObjectNode) panel(d, titled("Sessions")).get("targets").get(0))
                    .put("expr", "sum(max_over_time(claude_code_session_count_total{user=~\"$user\"}[$__range]))"));
            fails(rule, b, SETTINGS, "'Sessions' counts claude_code_session_count_total without start_type!=\"agents_view\"");
        }

        @Test
        void aRegexThatStillMatchesAgentsViewFails() {
            Bundle b = TestBundles.withObject("PrometheusRule", r -> ((ArrayNode) r.at("/spec/groups/0/rules")).addObject()
                    .put("alert", "ManySessions").put("expr", "sum(max_over_time(claude_code_session_count_total{start_type=~\"fresh|agents.*\"}[1h])) > 50"));
            fails(rule, b, SETTINGS, "'rule ManySessions'");
        }

        @Test
        void groupingByStartTypeShowsItOnPurpose() {
            passes(rule, withDashboard(d -> ((ObjectNode) panel(d, titled("Sessions")).get("targets").get(0))
                    .put("expr", "sum by (start_type) (max_over_time(claude_code_session_count_total[$__range]))")), SETTINGS);
        }
    }

    @Nested
    class ThresholdsAreSettingsRule {
        final Rule rule = new ThresholdsAreSettings();

        @Test
        void builtInAlertsTakeEveryThresholdFromSettings() {
            passes(rule, DEFAULT, SETTINGS);
            Settings all = SETTINGS.with(Map.of("loki-ruler", "true", "business-hours", "9-17"));
            CheckResult r = passes(rule, dev.migrate.bundle.BundleRenderer.render(all), all);
            assertTrue(r.observed().startsWith("8 alert thresholds"), r.observed());
        }

        @Test
        void aHardCodedThresholdFails() {
            Bundle b = TestBundles.withObject("PrometheusRule", r -> ((ArrayNode) r.at("/spec/groups/0/rules")).addObject()
                    .put("alert", "BigSpender").put("expr", "sum(claude_code_cost_usage_USD_total) > 50"));
            fails(rule, b, SETTINGS, "BigSpender compares with 50 and names no setting");
        }

        @Test
        void aThresholdThatDriftedFromItsSettingFails() {
            Bundle b = TestBundles.withObject("PrometheusRule", r -> {
                ObjectNode alert = (ObjectNode) r.at("/spec/groups/1/rules/0"); // claude-code-spend, after the recording group
                alert.put("expr", alert.get("expr").asText().replace("> 10", "> 12"));
            });
            fails(rule, b, SETTINGS, "ClaudeCodeDailySpendHigh compares with 12 but daily-spend-alert-usd is 10");
        }
    }
}
