package dev.migrate.retire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.JsonlLog;
import dev.migrate.io.PrivateFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * retire/journal.jsonl in the state directory: one line per finished action, forced to disk
 * before the next action starts, so an interrupted retire (kill -9, a dead daemon, a full disk)
 * resumes exactly where it stopped. A run begins with the whole plan, because after containers
 * are removed their anonymous volumes can no longer be rediscovered.
 */
public final class Journal {
    public static final String BEGIN = "begin";
    public static final String DONE = "done";
    public static final String COMPLETE = "complete";
    /** The operator pointed a resumed run at another backup directory before anything was archived. */
    public static final String MOVED = "archive-dir";
    static final ObjectMapper LINE = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    public Journal(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * @param run   id of the retire run this line belongs to
     * @param event begin, done or complete
     * @param key   the action, e.g. "stop:3c5267a5743d..." (empty for begin/complete)
     * @param data  facts about it (the plan for begin, the manifest path for an archive)
     */
    public record Entry(Instant at, String run, String event, String key, Map<String, Object> data) {
        public Entry {
            data = data == null ? Map.of() : data;
        }
    }

    /**
     * The state a run needs to resume: the plan it began with and the actions already done.
     *
     * @param outcome the final checks' outcome once complete (passed / failed), else empty */
    public record Run(String id, Instant began, PlanState plan, Map<String, Map<String, Object>> done, boolean complete,
                      String outcome) {
    }

    /**
     * What a run began with, as journaled.
     *
     * @param world which engine, project and volumes the run acts on; null in a journal begun before it was recorded
     */
    public record PlanState(Inventory inventory, String archiveDir, boolean backup, List<Integer> ports,
                            boolean forced, String reason, World world) {
    }

    public void begin(String run, PlanState plan) {
        append(new Entry(Instant.now(), run, BEGIN, "", Map.of("plan", plan)));
    }

    public void done(String run, String key, Map<String, Object> data) {
        append(new Entry(Instant.now(), run, DONE, key, data));
    }

    public void moved(String run, String archiveDir) {
        append(new Entry(Instant.now(), run, MOVED, "", Map.of("archiveDir", archiveDir)));
    }

    public void complete(String run, Map<String, Object> data) {
        append(new Entry(Instant.now(), run, COMPLETE, "", data));
    }

    /**
     * What one read of the journal found for a project.
     *
     * @param run        the last run for the project, complete or not
     * @param unreadable the lines that could not be parsed, with their numbers. A torn last line is an
     *                   action whose line was cut by a crash: it is simply redone, which is safe (every action is).
     */
    public record Read(Optional<Run> run, List<JsonlLog.Unreadable> unreadable) {
    }

    /** The last run for this project, complete or not, and the lines that could not be read. */
    public Read last(String project) {
        JsonlLog.Read<Entry> read = read();
        Run found = null;
        for (Entry e : read.records()) {
            if (BEGIN.equals(e.event())) {
                PlanState plan = LINE.convertValue(e.data().get("plan"), PlanState.class);
                if (plan.inventory().project().equals(project)) {
                    found = new Run(e.run(), e.at(), plan, new HashMap<>(), false, "");
                }
            } else if (found != null && found.id().equals(e.run())) {
                if (DONE.equals(e.event())) {
                    found.done().put(e.key(), e.data());
                } else if (MOVED.equals(e.event())) {
                    PlanState p = found.plan();
                    PlanState moved = new PlanState(p.inventory(), String.valueOf(e.data().get("archiveDir")), p.backup(),
                            p.ports(), p.forced(), p.reason(), p.world());
                    found = new Run(found.id(), found.began(), moved, found.done(), false, "");
                } else if (COMPLETE.equals(e.event())) {
                    found = new Run(found.id(), found.began(), found.plan(), found.done(), true,
                            String.valueOf(e.data().getOrDefault("outcome", "")));
                }
            }
        }
        return new Read(Optional.ofNullable(found), read.unreadable());
    }

    private JsonlLog.Read<Entry> read() {
        try {
            return new JsonlLog(file).read(line -> LINE.readValue(line, Entry.class));
        } catch (IOException e) {
            throw new UserError("cannot read the retire journal " + file + ": " + PrivateFiles.reason(e)
                    + "; fix its permissions or move it away");
        }
    }

    /** One fsynced line; a torn tail left by a crash gets its own line first ({@link JsonlLog}). */
    private void append(Entry entry) {
        try {
            new JsonlLog(file).append(LINE.writeValueAsString(entry));
        } catch (IOException e) {
            throw new UserError("cannot write the retire journal " + file + ": " + PrivateFiles.reason(e)
                    + "; check --state-dir points to a writable directory");
        }
    }
}
