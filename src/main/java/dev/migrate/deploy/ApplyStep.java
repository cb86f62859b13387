package dev.migrate.deploy;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.ApplyConflictException;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterException;
import dev.migrate.cluster.Trees;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side applies the objects one by one in {@link ApplyOrder}, and stops at the first failure
 * so nothing after it is applied. An object whose resourceVersion did not move, or whose content
 * (server-owned fields aside) is the same as before, was unchanged. With {@code diffOnly} every apply is a server
 * dry-run (dryRun=All) and the result is compared with the live object instead.
 */
public final class ApplyStep {
    /**
     * @param changes what happened to each object attempted, in order
     * @param failure the one-line reason the step stopped, or empty
     */
    public record Result(List<ObjectChange> changes, Optional<String> failure) {
        public Result {
            changes = List.copyOf(changes);
        }

        public List<String> changedIds() {
            return changes.stream().filter(ObjectChange::changed).map(ObjectChange::id).toList();
        }
    }

    private final Cluster cluster;
    private final PrintStream out;

    public ApplyStep(Cluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
    }

    public Result run(List<ManifestObject> objects, boolean force, boolean diffOnly) {
        List<ObjectChange> changes = new ArrayList<>();
        for (ManifestObject obj : ApplyOrder.sort(objects)) {
            try {
                ObjectChange change = diffOnly ? diff(obj, force) : apply(obj, force);
                changes.add(change);
                out.println("  " + obj.id() + " " + change.action());
                change.diff().forEach(line -> out.println("      " + line));
            } catch (ClusterException e) {
                List<String> done = changes.stream().map(ObjectChange::id).toList();
                String what = diffOnly ? "diffed" : "applied";
                String failure = e.getMessage() + "; " + (done.isEmpty() ? "nothing was " + what
                        : "already " + what + ": " + String.join(", ", done)) + "; nothing after " + obj.id() + " was " + what
                        + (e instanceof ApplyConflictException ? "; re-run with --force-conflicts to take these fields over"
                        + " from " + String.join(", ", ((ApplyConflictException) e).managers())
                        + ", or remove them from that manager's ownership" : "");
                out.println("  " + obj.id() + " FAILED");
                return new Result(changes, Optional.of(failure));
            }
        }
        return new Result(changes, Optional.empty());
    }

    private ObjectChange apply(ManifestObject obj, boolean force) {
        Optional<Map<String, Object>> live = cluster.get(obj.apiVersion(), obj.kind(), obj.namespace(), obj.name());
        Map<String, Object> applied = cluster.apply(obj, force, false);
        if (live.isEmpty()) {
            return new ObjectChange(obj.id(), ObjectChange.CREATED, List.of());
        }
        String before = Trees.text(live.get(), "metadata", "resourceVersion");
        String after = Trees.text(applied, "metadata", "resourceVersion");
        if (!before.isEmpty() && before.equals(after)) {
            return new ObjectChange(obj.id(), ObjectChange.UNCHANGED, List.of());
        }
        // Some API servers still write on a no-op apply (a new managedFields timestamp, kubernetes#124605),
        // which moves resourceVersion; the content is what says whether anything changed.
        List<String> lines = ObjectDiff.between(live.get(), applied);
        return new ObjectChange(obj.id(), lines.isEmpty() ? ObjectChange.UNCHANGED : ObjectChange.CONFIGURED, lines);
    }

    private ObjectChange diff(ManifestObject obj, boolean force) {
        Optional<Map<String, Object>> live = cluster.get(obj.apiVersion(), obj.kind(), obj.namespace(), obj.name());
        Map<String, Object> wouldBe = cluster.apply(obj, force, true); // with force: what a forced apply would change
        if (live.isEmpty()) {
            return new ObjectChange(obj.id(), ObjectChange.WOULD_CREATE, ObjectDiff.between(Map.of(), wouldBe));
        }
        List<String> lines = ObjectDiff.between(live.get(), wouldBe);
        return new ObjectChange(obj.id(), lines.isEmpty() ? ObjectChange.UNCHANGED : ObjectChange.WOULD_CHANGE, lines);
    }
}
