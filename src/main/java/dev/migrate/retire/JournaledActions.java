package dev.migrate.retire;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The execute steps' only way to act: each action runs at most once per retire run and its line
 * is on disk before the next starts. Every action must also be safe to redo (the process may die
 * between doing it and journaling it): the steps treat "already gone" as done.
 */
public final class JournaledActions {
    private final Journal journal;
    private final String runId;
    private final Map<String, Map<String, Object>> done;
    private final Consumer<String> afterAction;
    private final Consumer<String> progress;
    private final List<Map<String, String>> log = new ArrayList<>();

    /**
     * @param done     actions an earlier process of this run finished (from the journal)
     * @param afterAction called with each action's key once its line is on disk
     * @param progress where a line per finished action goes
     */
    public JournaledActions(Journal journal, String runId, Map<String, Map<String, Object>> done,
                            Consumer<String> afterAction, Consumer<String> progress) {
        this.journal = journal;
        this.runId = runId;
        this.done = new LinkedHashMap<>(done);
        this.afterAction = afterAction;
        this.progress = progress;
    }

    public boolean done(String kind, String target) {
        return done.containsKey(kind + ":" + target);
    }

    /** Runs the action unless this run already did it; returns what it (or the earlier run) recorded. */
    public Map<String, Object> run(String kind, String target, String label, Supplier<Map<String, Object>> action) {
        String key = kind + ":" + target;
        if (done.containsKey(key)) {
            log.add(Map.of("action", kind, "target", label, "status", "already done"));
            return done.get(key);
        }
        stopIfInterrupted(kind + " " + label);
        return record(kind, target, label, action.get());
    }

    /** Journals an action again with new data (an archive redone because the earlier one was damaged). */
    public Map<String, Object> record(String kind, String target, String label, Map<String, Object> data) {
        String key = kind + ":" + target;
        journal.done(runId, key, data);
        done.put(key, data);
        log.add(Map.of("action", kind, "target", label, "status", "done"));
        progress.accept(String.format("  done   %-16s %s", kind, label));
        afterAction.accept(key);
        stopIfInterrupted(null);
        return data;
    }

    /** SIGINT ({@link dev.migrate.io.SignalGuard}): stop between two actions, saying where, so a re-run resumes. */
    private void stopIfInterrupted(String next) {
        if (!Thread.currentThread().isInterrupted()) {
            return;
        }
        Thread.interrupted();
        String last = log.isEmpty() ? "before the first action" : "after " + log.get(log.size() - 1).get("action") + " "
                + log.get(log.size() - 1).get("target");
        throw new dev.migrate.UserError(dev.migrate.ExitCodes.INTERRUPTED, "retire interrupted " + last
                + (next == null ? "" : ", before " + next) + "; " + done.size() + " actions are journaled in "
                + journal.file() + " and nothing after them ran; run 'migrate retire --yes' again to resume where it stopped");
    }

    /** What happened in this process, for the JSON report. */
    public List<Map<String, String>> log() {
        return List.copyOf(log);
    }
}
