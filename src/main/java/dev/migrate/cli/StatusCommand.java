package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.io.JsonlLog;
import dev.migrate.io.Printable;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** `migrate status`: where the migration stands, read from the ledger, and the next step. */
@Command(name = "status", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Show where the migration stands and what to run next.",
        description = {"Show the last run of each step from the state directory and what to do next.",
                "",
                "Examples:",
                "",
                "  migrate status",
                "  migrate status -o json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:bad input (flags, settings)"})
public final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The steps in the order a migration takes them; the record (written with `record --out`) is the last. */
    public static final List<String> STEPS = List.of("deploy", "verify", "soak", "retire", RecordCommand.STEP);

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load();
        Ledger ledger = new Ledger(settings.stateDir());
        JsonlLog.Read<StepRecord> read = ledger.read();
        if (!read.unreadable().isEmpty()) {
            // On stderr in both formats, so `-o json` stays one document a script can parse.
            spec.commandLine().getErr().println("migrate: warning: ledger " + settings.stateDir().resolve(Ledger.FILE) + ": unreadable "
                    + read.describeUnreadable() + "; those runs are not counted below (a torn write or a hand edit;"
                    + " re-run the step to record it again)");
        }
        Map<String, Optional<StepRecord>> latest = new LinkedHashMap<>();
        for (String step : STEPS) {
            Optional<StepRecord> last = Optional.empty();
            for (StepRecord r : read.records()) {
                if (r.step().equals(step)) {
                    last = Optional.of(r);
                }
            }
            latest.put(step, last);
        }
        String next = nextStep(latest, settings.digest());
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("stateDir", settings.stateDir().toString());
            doc.put("settingsDigest", settings.digest());
            Map<String, Object> steps = new LinkedHashMap<>();
            latest.forEach((step, rec) -> steps.put(step, rec.orElse(null)));
            doc.put("steps", steps);
            doc.put("next", next);
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(doc));
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().println("state: " + settings.stateDir().toAbsolutePath() + "   settings digest: " + settings.digest());
        for (String step : STEPS) {
            Optional<StepRecord> rec = latest.get(step);
            if (rec.isEmpty()) {
                spec.commandLine().getOut().printf("  %-7s  not run%n", step);
                continue;
            }
            StepRecord r = rec.get();
            String stale = r.settingsDigest().equals(settings.digest()) ? "" : "  (other settings: " + r.settingsDigest() + ")";
            // The ledger is a file anyone with access may edit: what it says is escaped, so a summary cannot
            // move the cursor or, with U+202E, make a failed row read as passed.
            spec.commandLine().getOut().printf("  %-7s  %-12s %s  %s%s%n", step, Printable.escape(r.outcome()), r.finishedAt(),
                    Printable.escape(r.summary()), Printable.escape(stale));
        }
        spec.commandLine().getOut().println("next: " + next);
        return ExitCodes.OK;
    }

    /** The first step, in order, whose last run did not pass with the current settings. */
    static String nextStep(Map<String, Optional<StepRecord>> latest, String digest) {
        for (String step : STEPS) {
            Optional<StepRecord> rec = latest.get(step);
            if (rec.isEmpty() || !rec.get().passed() || !rec.get().settingsDigest().equals(digest)) {
                return "migrate " + step;
            }
        }
        return "nothing: the migration is complete";
    }
}
