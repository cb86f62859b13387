package dev.migrate.cluster;

import java.util.List;

/**
 * The answer of one SelfSubjectRulesReview: what the current identity may do in a namespace, as the
 * authorizers list it. RBAC lists every rule; other authorizers (a webhook, Node) may not, and then
 * {@code incomplete} is set: a rule listed still holds, a verb not listed may still be allowed.
 *
 * @param rules           the resource rules the server listed
 * @param incomplete      whether the list may lack rules (status.incomplete)
 * @param evaluationError why, when the server says (status.evaluationError; may be empty)
 */
public record RulesReview(List<Rule> rules, boolean incomplete, String evaluationError) {
    public RulesReview {
        rules = List.copyOf(rules);
        evaluationError = evaluationError == null ? "" : evaluationError;
    }

    /** What the list says about one verb on one resource (the main resource, no subresource). */
    public enum Answer {
        /** a rule without resource names allows it */
        ALLOWED,
        /** no rule allows it and the list is complete */
        DENIED,
        /** the list cannot say: it is incomplete, or a rule allows it only for named objects; ask a SelfSubjectAccessReview */
        ASK
    }

    /** One resource rule as RBAC writes it; "*" matches every verb, group or resource. */
    public record Rule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames) {
        public Rule {
            verbs = verbs == null ? List.of() : List.copyOf(verbs);
            apiGroups = apiGroups == null ? List.of() : List.copyOf(apiGroups);
            resources = resources == null ? List.of() : List.copyOf(resources);
            resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
        }

        boolean matches(String verb, String group, String resource) {
            return (verbs.contains("*") || verbs.contains(verb))
                    && (apiGroups.contains("*") || apiGroups.contains(group))
                    && (resources.contains("*") || resources.contains(resource));
        }
    }

    public Answer answer(String verb, String group, String resource) {
        boolean byName = false;
        for (Rule r : rules) {
            if (r.matches(verb, group, resource)) {
                if (r.resourceNames().isEmpty()) {
                    return Answer.ALLOWED;
                }
                byName = true; // allowed for some objects only: a review of the verb says whether that is enough
            }
        }
        return incomplete || byName ? Answer.ASK : Answer.DENIED;
    }
}
