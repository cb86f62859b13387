package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.ApplyConflictException;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterException;
import dev.migrate.cluster.Trees;
import dev.migrate.io.ProgressSink;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side applies the objects one by one in {@link ApplyOrder}, and stops at the first failure
 * so nothing after it is applied. An object the last deploy applied with the same content is
 * applied without reading it first: the answer, against the {@link AppliedVersion} that deploy
 * recorded, says whether it changed. Any other object is read first: one whose resourceVersion
 * did not move, or whose content (server-owned fields aside) is the same as before, was unchanged,
 * and a configured one shows its changed fields. With {@code diffOnly} every apply is a server
 * dry-run (dryRun=All) and the result is compared with the live object instead. An error the
 * cluster did not answer (an interrupt, a lost connection) ends the step with {@link Stopped}, which
 * carries what was applied before it.
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

    /**
     * The apply stopped on an error that is not the cluster's answer about an object (SIGINT, the
     * server gone): the error, what was applied before it, and the object in flight (empty if it
     * stopped between two objects), whose apply may or may not have reached the server.
     */
    public static final class Stopped extends RuntimeException {
        private final transient List<ObjectChange> applied;
        private final String inFlight;
        private final List<String> notApplied;

        Stopped(UserError cause, List<ObjectChange> applied, String inFlight, List<String> notApplied) {
            super(cause.getMessage(), cause);
            this.applied = List.copyOf(applied);
            this.inFlight = inFlight;
            this.notApplied = List.copyOf(notApplied);
        }

        @Override
        public synchronized UserError getCause() {
            return (UserError) super.getCause();
        }

        public List<ObjectChange> applied() {
            return applied;
        }

        public String inFlight() {
            return inFlight;
        }

        /** The objects after the one in flight: certainly not applied. */
        public List<String> notApplied() {
            return notApplied;
        }
    }

    private final Cluster cluster;
    private final ProgressSink progress;
    private final Map<String, AppliedVersion> lastApplied;
    private final Clock wall;

    public ApplyStep(Cluster cluster, ProgressSink progress) {
        this(cluster, progress, Map.of(), Clock.systemUTC());
    }

    /**
     * @param lastApplied by object id, what the last deploy's applies were answered (none: read every object first)
     * @param wall        this machine's real clock, against which {@link AppliedVersion#judges} times the server's stamps
     */
    ApplyStep(Cluster cluster, ProgressSink progress, Map<String, AppliedVersion> lastApplied, Clock wall) {
        this.cluster = cluster;
        this.progress = progress;
        this.lastApplied = Map.copyOf(lastApplied);
        this.wall = wall;
    }

    public Result run(List<ManifestObject> objects, boolean force, boolean diffOnly) {
        List<ObjectChange> changes = new ArrayList<>();
        List<ManifestObject> ordered = ApplyOrder.sort(objects);
        for (int i = 0; i < ordered.size(); i++) {
            ManifestObject obj = ordered.get(i);
            if (Thread.currentThread().isInterrupted()) {
                // SIGINT (SignalGuard) between two objects: stop before the next one, saying what is done.
                throw new Stopped(new UserError(ExitCodes.INTERRUPTED, "interrupted before applying " + obj.id()), changes,
                        "", ids(ordered.subList(i, ordered.size())));
            }
            try {
                ObjectChange change = diffOnly ? diff(obj, force) : apply(obj, force);
                changes.add(change);
                progress.line("  " + obj.id() + " " + change.action());
                change.diff().forEach(line -> progress.line("      " + line));
            } catch (ClusterException e) {
                List<String> done = changes.stream().map(ObjectChange::id).toList();
                String what = diffOnly ? "diffed" : "applied";
                String failure = e.getMessage() + "; " + (done.isEmpty() ? "nothing was " + what
                        : "already " + what + ": " + String.join(", ", done)) + "; nothing after " + obj.id() + " was " + what
                        + (e instanceof ApplyConflictException ? "; re-run with --force-conflicts to take these fields over"
                        + " from " + String.join(", ", ((ApplyConflictException) e).managers())
                        + ", or remove them from that manager's ownership" : "");
                progress.line("  " + obj.id() + " FAILED");
                return new Result(changes, Optional.of(failure));
            } catch (UserError e) {
                progress.line("  " + obj.id() + " STOPPED");
                throw new Stopped(e, changes, obj.id(), ids(ordered.subList(i + 1, ordered.size())));
            }
        }
        return new Result(changes, Optional.empty());
    }

    private static List<String> ids(List<ManifestObject> objects) {
        return objects.stream().map(ManifestObject::id).toList();
    }

    private ObjectChange apply(ManifestObject obj, boolean force) {
        AppliedVersion last = lastApplied.get(obj.id());
        if (last != null && last.judges(obj, wall.instant())) {
            // What the last deploy applied, sent again: the answer alone says whether anything changed.
            return last.judge(obj.id(), cluster.apply(obj, force, false));
        }
        // New content (or no record of it): read it first, so a change shows its fields.
        Optional<Map<String, Object>> live = cluster.get(obj.apiVersion(), obj.kind(), obj.namespace(), obj.name());
        Map<String, Object> applied = cluster.apply(obj, force, false);
        if (live.isEmpty()) {
            return new ObjectChange(obj.id(), ObjectChange.Action.CREATED, List.of(), applied);
        }
        String before = Trees.text(live.get(), "metadata", "resourceVersion");
        String after = Trees.text(applied, "metadata", "resourceVersion");
        if (!before.isEmpty() && before.equals(after)) {
            return new ObjectChange(obj.id(), ObjectChange.Action.UNCHANGED, List.of(), applied);
        }
        // Some API servers still write on a no-op apply (a new managedFields timestamp, kubernetes#124605),
        // which moves resourceVersion; the content is what says whether anything changed.
        List<String> lines = ObjectDiff.between(live.get(), applied);
        return new ObjectChange(obj.id(), lines.isEmpty() ? ObjectChange.Action.UNCHANGED : ObjectChange.Action.CONFIGURED,
                lines, applied);
    }

    private ObjectChange diff(ManifestObject obj, boolean force) {
        Optional<Map<String, Object>> live = cluster.get(obj.apiVersion(), obj.kind(), obj.namespace(), obj.name());
        Map<String, Object> wouldBe = cluster.apply(obj, force, true); // with force: what a forced apply would change
        if (live.isEmpty()) {
            return new ObjectChange(obj.id(), ObjectChange.Action.WOULD_CREATE, ObjectDiff.between(Map.of(), wouldBe));
        }
        List<String> lines = ObjectDiff.between(live.get(), wouldBe);
        return new ObjectChange(obj.id(), lines.isEmpty() ? ObjectChange.Action.UNCHANGED : ObjectChange.Action.WOULD_CHANGE, lines);
    }
}
