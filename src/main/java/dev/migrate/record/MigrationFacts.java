package dev.migrate.record;

import dev.migrate.Digests;
import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.retire.ArchiveManifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ledger says happened, read through the {@link Ledger} API only: for each step the last
 * run that passed and the last run at all, plus the manifests retire wrote next to its archives.
 * Nothing here is derived from the cluster or Docker; a step without a passed run is "not done yet".
 *
 * @param stateDir    the state directory the ledger lives in
 * @param migrationId identifies this ledger (its first record), so a record of another migration is recognised
 * @param steps       deploy, verify, soak, retire, in that order
 * @param archives    retire's archive manifests (empty when retire did not pass or archived nothing)
 * @param archiveNote why {@code archives} is empty although retire passed, or empty
 */
public record MigrationFacts(Path stateDir, String migrationId, Map<String, StepView> steps,
                             List<ArchiveManifest> archives, String archiveNote) {
    public static final List<String> STEPS = List.of("deploy", "verify", "soak", "retire");

    public MigrationFacts {
        steps = Map.copyOf(steps);
        archives = List.copyOf(archives);
    }

    /**
     * One step as the ledger has it.
     *
     * @param passed the last run that passed, if any
     * @param last   the last run, whatever its outcome
     */
    public record StepView(String step, Optional<StepRecord> passed, Optional<StepRecord> last) {
        public boolean done() {
            return passed.isPresent();
        }

        /** A later run than the one that passed, and it did not pass (worth saying next to the result). */
        public Optional<StepRecord> laterFailure() {
            return last.filter(l -> passed.isEmpty() || !l.equals(passed.get()));
        }

        public String detail(String key) {
            return passed.map(r -> r.details().getOrDefault(key, "")).orElse("");
        }
    }

    public StepView step(String name) {
        return steps.get(name);
    }

    /**
     * Reads the ledger. Refuses with exit 3 ("nothing deployed yet") when no deploy has passed: a
     * record of nothing would only be a template, and it must never be invented.
     */
    public static MigrationFacts read(Ledger ledger) {
        List<StepRecord> all = ledger.all();
        Map<String, StepView> steps = new LinkedHashMap<>();
        for (String step : STEPS) {
            Optional<StepRecord> passed = Optional.empty();
            Optional<StepRecord> last = Optional.empty();
            for (StepRecord r : all) {
                if (r.step().equals(step)) {
                    last = Optional.of(r);
                    if (r.passed()) {
                        passed = Optional.of(r);
                    }
                }
            }
            steps.put(step, new StepView(step, passed, last));
        }
        if (!steps.get("deploy").done()) {
            throw new UserError(ExitCodes.INCONCLUSIVE, "nothing deployed yet: the ledger in " + ledger.dir()
                    + " has no passed deploy, so there is nothing to record; run 'migrate deploy' (or give the"
                    + " --state-dir of the migration); nothing was written");
        }
        StepRecord first = all.get(0);
        // The first record names the migration: it never changes as later steps append, and another
        // migration (another state directory, or one started over) has another first record.
        String id = Digests.shortSha256(first.step() + "\n" + first.startedAt() + "\n" + first.settingsDigest());
        List<ArchiveManifest> archives = new ArrayList<>();
        String note = "";
        StepView retire = steps.get("retire");
        if (retire.done()) {
            String dir = retire.detail("archiveDir");
            if ("false".equals(retire.detail("backup"))) {
                note = "retire ran WITHOUT backup (--no-backup): there are no archives";
            } else if (dir.isEmpty() || !Files.isDirectory(Path.of(dir))) {
                note = "the archive directory " + (dir.isEmpty() ? "(not recorded)" : dir) + " is not on this machine:"
                        + " the sha256 sums are in its *.manifest.json files";
            } else {
                for (Path p : ArchiveManifest.files(Path.of(dir))) {
                    try {
                        archives.add(ArchiveManifest.read(p));
                    } catch (IOException e) {
                        throw new UserError("retire's archive manifest " + p + " is not readable (" + e.getMessage()
                                + "); restore it from a copy, or move it away to record without it; nothing was written");
                    }
                }
                if (archives.isEmpty()) {
                    note = "the archive directory " + dir + " holds no manifests";
                }
            }
        }
        return new MigrationFacts(ledger.dir(), id, steps, archives, note);
    }
}
