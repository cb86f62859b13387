package dev.migrate.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a listed rule answers one verb on one resource: wildcards, named objects only, an incomplete list. */
class RulesReviewTest {
    static RulesReview.Rule rule(List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
        return new RulesReview.Rule(verbs, groups, resources, names);
    }

    @Test
    void aCompleteListAllowsWhatARuleListsAndDeniesTheRest() {
        RulesReview r = new RulesReview(List.of(
                rule(List.of("get", "create", "patch"), List.of("", "apps"), List.of("configmaps", "deployments"), null),
                rule(List.of("*"), List.of("monitoring.coreos.com"), List.of("*"), null)), false, null);
        assertEquals(RulesReview.Answer.ALLOWED, r.answer("patch", "apps", "deployments"));
        assertEquals(RulesReview.Answer.ALLOWED, r.answer("create", "", "configmaps"));
        assertEquals(RulesReview.Answer.ALLOWED, r.answer("patch", "monitoring.coreos.com", "servicemonitors"));
        assertEquals(RulesReview.Answer.DENIED, r.answer("delete", "apps", "deployments"));
        assertEquals(RulesReview.Answer.DENIED, r.answer("get", "", "services"));
        assertEquals(RulesReview.Answer.ALLOWED, r.answer("get", "apps", "configmaps"), "RBAC: every group with every resource of a rule");
    }

    @Test
    void aSubresourceRuleDoesNotAllowTheResource() {
        RulesReview r = new RulesReview(List.of(rule(List.of("get"), List.of(""), List.of("services/proxy"), null)), false, "");
        assertEquals(RulesReview.Answer.DENIED, r.answer("get", "", "services"));
    }

    @Test
    void aRuleForNamedObjectsOnlyOrAnIncompleteListAsksAnAccessReview() {
        RulesReview named = new RulesReview(List.of(rule(List.of("patch"), List.of("apps"), List.of("deployments"),
                List.of("otel-collector"))), false, "");
        assertEquals(RulesReview.Answer.ASK, named.answer("patch", "apps", "deployments"));

        RulesReview incomplete = new RulesReview(List.of(rule(List.of("get"), List.of("apps"), List.of("deployments"), null)),
                true, "webhook authorizer does not support user rule resolution");
        assertEquals(RulesReview.Answer.ALLOWED, incomplete.answer("get", "apps", "deployments"));
        assertEquals(RulesReview.Answer.ASK, incomplete.answer("patch", "apps", "deployments"));
    }
}
