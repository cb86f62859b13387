package dev.migrate.cli;

import dev.migrate.checks.Check;
import dev.migrate.checks.CheckCatalogue;
import dev.migrate.checks.CheckResult;
import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;
import dev.migrate.checks.VerifyChecks;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.report.JUnitReport;
import dev.migrate.report.JsonReport;
import dev.migrate.report.ReportWriter;
import dev.migrate.report.RunReport;
import dev.migrate.report.TextReport;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `migrate verify`: proves the homelab pipeline works, end to end, with evidence per check. */
@Command(name = "verify", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Prove the new pipeline works end to end, with evidence per check.",
        description = {"Prove the new pipeline works end to end: the VIP answers, a synthetic OTLP metric and log "
                + "record arrive in Prometheus and Loki, Claude Code's metrics and events are there under the "
                + "right names, the dashboard's queries run, the alert rules are loaded.",
                "Checks are declared in checks/verify.yaml and run concurrently, each with its own timeout. "
                        + "A check whose endpoint is not given is skipped, with the flag to give.",
                "",
                "Examples:",
                "",
                "  migrate verify --context homelab",
                "  migrate verify --prometheus-url http://10.10.30.30:9090 --loki-url http://10.10.30.31:3100",
                "  migrate verify --context homelab -o json --junit verify.xml"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:all passed", "1:a check failed", "2:bad input",
                "3:nothing failed but something was inconclusive (or nothing could be checked)"})
public final class VerifyCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    PipelineOptions pipeline;
    @Mixin
    OutputOptions output;

    @Option(names = "--only", paramLabel = "CHECK", split = ",", description = "Run only these checks (comma-separated names).")
    List<String> only = new ArrayList<>();
    @Option(names = "--skip", paramLabel = "CHECK", split = ",", description = "Skip these checks (comma-separated names).")
    List<String> skip = new ArrayList<>();
    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE (for CI).")
    Path junit;
    @Option(names = "--force", description = "Replace an existing --junit FILE that is not a migrate report.")
    boolean force;
    @Option(names = "--test-alert", description = "Post a clearly labelled test alert to Alertmanager (expires in minutes) and read it back.")
    boolean testAlert;

    @Override
    public Integer call() {
        Settings settings = settingsOptions.load(kube, pipeline);
        Duration window = pipeline.validate(); // bad flags fail before any network use
        List<Check> checks = VerifyChecks.select(VerifyChecks.of(CheckCatalogue.load(settings.checksDir(), VerifyChecks.FILE)),
                only, skip);
        // Local preconditions before the first request: the ledger can be written, the report path is allowed.
        Ledger ledger = new Ledger(settings.stateDir());
        ledger.checkWritable();
        ReportWriter reports = new ReportWriter(settings, force);
        if (junit != null) {
            reports.check("--junit", junit, JUnitReport.MARKER);
        }
        Path reportDir = ledger.dir().resolve("reports");
        if (java.nio.file.Files.exists(reportDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !java.nio.file.Files.isDirectory(reportDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // bad input now, not after every check ran
            throw new UserError("cannot create " + reportDir + " for the report: a file is in the way; move it away");
        }
        Instant started = Instant.now();
        List<CheckResult> results = pipeline.run(settings, checks, testAlert);
        Instant finished = Instant.now();
        boolean nothingChecked = results.stream().allMatch(r -> r.status() == Status.SKIPPED);
        RunReport report = new RunReport("verify", started, finished,
                nothingChecked ? Outcome.INCONCLUSIVE : Outcome.of(results), results);

        // The checks have run: a report that cannot be written (a full disk) must not lose their outcome,
        // which still reaches the ledger; the run then fails (1), it is not bad input (2).
        UserError unwritten = null;
        Path reportFile;
        try {
            // Unique even for runs in the same second: each ledger record points at its own report.
            reportFile = ledger.writeNew(ledger.subdir("reports"), "verify-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(started), ".json",
                    JsonReport.render(report));
        } catch (UserError e) {
            unwritten = e;
            reportFile = null;
        }
        if (junit != null) {
            try {
                reports.write("--junit", junit, JUnitReport.render(report), JUnitReport.MARKER);
            } catch (UserError e) {
                unwritten = unwritten == null ? e : unwritten;
            }
        }
        spec.commandLine().getOut().print(output.json() ? JsonReport.render(report) : TextReport.render(report, TextReport.colourWanted()));
        if (nothingChecked && !output.json()) {
            spec.commandLine().getOut().println("nothing was checked: give --prometheus-url, --loki-url, --grafana-url or --alertmanager-url"
                    + " (or drop --skip/--only)");
        }
        Map<String, Integer> counts = report.counts();
        Map<String, String> details = new LinkedHashMap<>();
        counts.forEach((k, v) -> details.put("count." + k, Integer.toString(v)));
        results.forEach(r -> details.put("check." + r.name(), r.status().label()));
        details.put("since", Values.format(window));
        ledger.append(new StepRecord("verify", started, finished, settings.digest(), stepOutcome(report.outcome()),
                counts.get("pass") + " passed, " + counts.get("fail") + " failed, " + counts.get("inconclusive")
                        + " inconclusive, " + counts.get("skipped") + " skipped", reportFile == null ? "" : reportFile.toString(), details));
        if (unwritten != null) {
            throw new UserError(ExitCodes.FAILED, unwritten.getMessage() + " (the checks ran: their outcome, "
                    + report.outcome().label() + ", is in the ledger)");
        }
        return report.outcome().exitCode();
    }

    private static String stepOutcome(Outcome outcome) {
        return switch (outcome) {
            case PASSED -> StepRecord.PASSED;
            case FAILED -> StepRecord.FAILED;
            case INCONCLUSIVE -> StepRecord.INCONCLUSIVE;
        };
    }
}
