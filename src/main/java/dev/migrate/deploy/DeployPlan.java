package dev.migrate.deploy;

import dev.migrate.cluster.preflight.Preflight;
import dev.migrate.settings.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What deploy is about to do, printed before anything changes: which cluster (server and context,
 * so a wrong kubeconfig is visible at a glance), which namespace, the checks, the objects in apply
 * order, and what it then waits for.
 */
public record DeployPlan(String context, String server, String namespace, String mode, List<String> objects,
                         List<PlannedCheck> checks, List<String> waits, String timeout) {

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
            waits.forEach(w -> lines.add("    - " + w));
        }
        return String.join(System.lineSeparator(), lines);
    }
}
