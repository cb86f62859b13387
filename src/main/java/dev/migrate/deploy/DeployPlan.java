package dev.migrate.deploy;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.migrate.cluster.preflight.Preflight;
import dev.migrate.settings.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What deploy is about to do, printed before anything changes: which cluster (server and context,
 * so a wrong kubeconfig is visible at a glance), which namespace, the checks, the objects in apply
 * order, and what it then waits for. The runner walks these same waits, so what is printed is
 * what runs.
 */
public record DeployPlan(String context, String server, String namespace, String mode, List<String> objects,
                         List<PlannedCheck> checks, List<Wait> waits, String timeout) {

    /** One thing deploy waits for after the apply, in the order it waits. */
    public sealed interface Wait permits Rollout, Vip {
        /** The plan's line for it (also its JSON form). */
        @JsonValue
        String describe();
    }

    /** The Deployment rolled out, judged as {@code kubectl rollout status} does ({@link RolloutWaitStep}). */
    public record Rollout(String namespace, String name) implements Wait {
        @Override
        public String describe() {
            return "rollout of Deployment/" + namespace + "/" + name + " (like kubectl rollout status)";
        }
    }

    /** The LoadBalancer Service holds the VIP and it is announced ({@link VipWaitStep}). */
    public record Vip(String namespace, String service, String vip) implements Wait {
        @Override
        public String describe() {
            return "VIP " + vip + " in .status.loadBalancer.ingress of Service/" + namespace + "/" + service;
        }
    }

    /** @param skipped true when --skip-check named it */
    public record PlannedCheck(String name, String description, boolean skipped) {
    }

    public DeployPlan {
        objects = List.copyOf(objects);
        checks = List.copyOf(checks);
        waits = List.copyOf(waits);
    }

    public static String mode(DeployOptions options) {
        if (options.diffOnly()) {
            return "diff (server dry-run, nothing is changed)";
        }
        return "apply (server-side apply, field manager migrate" + (options.forceConflicts()
                ? ", --force-conflicts: takes over fields other managers own)" : ")");
    }

    static String timeout(Duration d) {
        return Values.format(d);
    }

    public String render() {
        List<String> lines = new ArrayList<>();
        lines.add("deploy plan");
        lines.add("  cluster:   context " + context + ", server " + server);
        lines.add("  namespace: " + namespace);
        lines.add("  mode:      " + mode);
        lines.add("  preflight (read-only):");
        for (PlannedCheck c : checks) {
            lines.add("    - " + c.name() + ": " + c.description() + (c.skipped() ? "  [" + Preflight.SKIPPED_BY_FLAG + "]" : ""));
        }
        lines.add("  objects, in apply order:");
        for (int i = 0; i < objects.size(); i++) {
            lines.add("    " + (i + 1) + ". " + objects.get(i));
        }
        if (!waits.isEmpty()) {
            lines.add("  then wait (timeout " + timeout + "):");
            waits.forEach(w -> lines.add("    - " + w.describe()));
        }
        return String.join(System.lineSeparator(), lines);
    }
}
