package dev.migrate.cluster.preflight;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.KindInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every write deploy does is allowed (SelfSubjectAccessReview): server-side apply needs create for
 * a new object and patch for an existing one, and get for the diff and the waits.
 */
public final class RbacCheck implements PreflightCheck {
    static final List<String> VERBS = List.of("get", "create", "patch");

    @Override
    public String name() {
        return "rbac";
    }

    @Override
    public String description() {
        return "RBAC allows get/create/patch on every kind we apply (SelfSubjectAccessReview)";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        Set<KindInfo> kinds = new LinkedHashSet<>();
        for (ManifestObject o : ctx.bundle().objects()) {
            kinds.add(KindInfo.of(o.apiVersion(), o.kind()));
        }
        String ns = ctx.settings().namespace();
        List<String> denied = new ArrayList<>();
        int asked = 0;
        for (KindInfo kind : kinds) {
            for (String verb : VERBS) {
                asked++;
                if (!ctx.cluster().canI(verb, kind.group(), kind.plural(), ns)) {
                    denied.add(verb + " " + kind.resourceName());
                }
            }
        }
        if (denied.isEmpty()) {
            return CheckResult.pass(name(), "allowed: " + asked + " of " + asked + " (" + String.join(", ", VERBS)
                    + " on " + String.join(", ", kinds.stream().map(KindInfo::resourceName).toList()) + ") in " + ns);
        }
        return CheckResult.fail(name(), "denied in namespace " + ns + ": " + String.join(", ", denied),
                "the context's identity lacks these permissions; apply would stop half-way",
                "grant them with a Role/RoleBinding in " + ns + " (see RUNBOOK, deploy: RBAC), or use a context that has them");
    }
}
