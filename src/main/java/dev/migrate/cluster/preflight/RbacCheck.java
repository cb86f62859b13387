package dev.migrate.cluster.preflight;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.ClusterException;
import dev.migrate.cluster.KindInfo;
import dev.migrate.cluster.RulesReview;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every write deploy does is allowed: server-side apply needs create for a new object and patch for
 * an existing one, and get for the diff and the waits. One SelfSubjectRulesReview for the namespace
 * answers all verbs on all kinds at once (it was one SelfSubjectAccessReview per verb and kind, 15
 * requests). Where the review cannot say (the server marks it incomplete, as a webhook authorizer
 * does, or a rule allows a verb only on named objects), a SelfSubjectAccessReview asks for just those
 * verbs; a server that refuses the rules review gets access reviews for all of them, as before.
 */
public final class RbacCheck implements PreflightCheck {
    static final List<String> VERBS = List.of("get", "create", "patch");

    @Override
    public String name() {
        return "rbac";
    }

    @Override
    public String description() {
        return "RBAC allows get/create/patch on every kind we apply (SelfSubjectRulesReview)";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        Set<KindInfo> kinds = new LinkedHashSet<>();
        for (ManifestObject o : ctx.bundle().objects()) {
            kinds.add(KindInfo.of(o.apiVersion(), o.kind()));
        }
        String ns = ctx.settings().namespace();
        RulesReview review = rulesReview(ctx, ns);
        List<String> denied = new ArrayList<>();
        int asked = 0;
        int accessReviews = 0;
        for (KindInfo kind : kinds) {
            for (String verb : VERBS) {
                asked++;
                RulesReview.Answer answer = review.answer(verb, kind.group(), kind.plural());
                if (answer == RulesReview.Answer.ASK) {
                    accessReviews++;
                    answer = ctx.cluster().canI(verb, kind.group(), kind.plural(), ns) ? RulesReview.Answer.ALLOWED
                            : RulesReview.Answer.DENIED;
                }
                if (answer == RulesReview.Answer.DENIED) {
                    denied.add(verb + " " + kind.resourceName());
                }
            }
        }
        String how = accessReviews == 0 ? "one SelfSubjectRulesReview"
                : "SelfSubjectRulesReview, and " + accessReviews + " SelfSubjectAccessReview(s) where it was incomplete"
                + (review.evaluationError().isEmpty() ? "" : ": " + review.evaluationError());
        if (denied.isEmpty()) {
            return CheckResult.pass(name(), "allowed: " + asked + " of " + asked + " (" + String.join(", ", VERBS)
                    + " on " + String.join(", ", kinds.stream().map(KindInfo::resourceName).toList()) + ") in " + ns
                    + " (" + how + ")");
        }
        return CheckResult.fail(name(), "denied in namespace " + ns + ": " + String.join(", ", denied),
                "the context's identity lacks these permissions; apply would stop half-way",
                "grant them with a Role/RoleBinding in " + ns + " (see RUNBOOK, deploy: RBAC), or use a context that has them");
    }

    /**
     * The rules review, or an empty incomplete one when the server refuses it (an authorizer that
     * forbids it, a server or proxy without the API, a 4xx): every verb is then asked by access
     * review, as before. An unreachable or failing server stops the preflight as any read does.
     */
    private static RulesReview rulesReview(PreflightContext ctx, String ns) {
        try {
            return ctx.cluster().rulesReview(ns);
        } catch (ClusterException e) {
            return switch (e.kind()) {
                // The server is there and answers, just not this review: ask each verb, as before.
                case FORBIDDEN, NOT_FOUND, CONFLICT, OTHER -> new RulesReview(List.of(), true, "the server refused the rules review: "
                        + e.getMessage());
                default -> throw e;
            };
        }
    }
}
