package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.data.OutputDirectory;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.record.MigrationFacts;
import dev.migrate.record.RecordPlan;
import dev.migrate.record.RecordSources;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * `migrate record`: the migration record (rebuild guide and doc snippets) from the ledger and the
 * rendered bundle. Reads local files only: never the cluster, Docker or any endpoint.
 */
@Command(name = "record", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Write the migration record: rebuild guide and doc snippets, from the ledger.",
        description = {"Write the migration record from the ledger and the rendered bundle: a rebuild guide"
                + " (rebuild-<record-version>-claude-monitoring.md: what was deployed, the commands to rebuild it, the"
                + " client environment, what verify and the soak proved, where retire put the archives) and"
                + " ready-to-paste doc snippets. A step that has not passed is marked \"not done yet\". Without --out"
                + " it prints what it would write. It never touches the cluster or Docker.",
                "",
                "Examples:",
                "",
                "  migrate record",
                "  migrate record --out docs/rebuild",
                "  migrate record -o json"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed or written", "2:bad input (settings, --out)", "3:nothing deployed yet (nothing written)",
                "4:refused: another migrate step holds the state directory (nothing written)"})
public final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The ledger step a written record appends, so `migrate status` sees the migration complete. */
    public static final String STEP = "record";

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the files into DIR (created if missing). Other files in DIR are left alone.")
    Path out;

    @Option(names = "--force", description = "Replace files in --out that another migration's record (or not migrate) wrote.")
    boolean force;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load();
        MigrationFacts facts = MigrationFacts.read(new Ledger(settings.stateDir()));
        String clientEnv = ClientEnvCommand.documented(facts.step("deploy").detail("vip"));
        RecordPlan plan = RecordPlan.of(new RecordSources(facts, settings, BundleRenderer.render(settings), clientEnv));
        if (out == null) {
            // The files quote the ledger's details: escaped on the way to a terminal (they are written as they are).
            spec.commandLine().getOut().print(output.json() ? Json.MAPPER.writeValueAsString(plan.toJson()) + "\n"
                    : dev.migrate.io.Printable.escapeLines(plan.toText()));
            return ExitCodes.OK;
        }
        OutputDirectory dir = OutputDirectory.check(out, settings.stateDir(), "--out");
        plan.checkTarget(dir, force);
        java.time.Instant started = java.time.Instant.now();
        var written = dir.write(plan.files());
        new Ledger(settings.stateDir()).append(new StepRecord(STEP, started, java.time.Instant.now(), settings.digest(),
                StepRecord.PASSED, "wrote the record of " + facts.migrationId() + " (" + plan.files().size() + " files) to "
                + dir.dir(), "", java.util.Map.of("out", dir.dir().toString(), "migration", facts.migrationId(),
                "files", String.join(",", plan.files().stream().map(f -> f.path()).toList()))));
        if (output.json()) {
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(plan.toJson()));
        } else {
            written.forEach(p -> spec.commandLine().getOut().println("wrote " + p));
        }
        return ExitCodes.OK;
    }
}
