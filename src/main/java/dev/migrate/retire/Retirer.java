package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.data.OutputDirectory;
import dev.migrate.io.Printable;
import dev.migrate.io.StateLock;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.EngineException;
import dev.migrate.io.ProgressSink;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Composes retire's steps: {@link Discovery} -> {@link Gate} -> {@link RetirePlan} (printed; the
 * whole output without --yes) -> with --yes the journaled execute steps in a fixed order
 * ({@link ContainerSteps.DisableRestart}, {@link ContainerSteps.Stop}, {@link VolumeSteps.Archive},
 * {@link ContainerSteps.Remove}, {@link VolumeSteps.Remove}) -> the final checks
 * ({@link VolumeSteps#proveGone}, {@link PortProbe}). A rerun after a crash resumes the plan the
 * run began with and skips what the journal says is done. The story goes to a {@link ProgressSink};
 * what the run did comes back as a {@link Result} (with the document -o json prints).
 */
public final class Retirer {
    private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param ports       ports to check afterwards; empty means those the project published, else the defaults
     * @param stopTimeout how long a container gets to stop before retire gives up (nothing is deleted then)
     * @param helperImage image for the never-started helper that reads volumes; empty means one of the project's own
     */
    public record Options(String project, Path backupDir, boolean backup, List<Integer> ports, Duration stopTimeout,
                          boolean yes, boolean force, String reason, String helperImage) {
    }

    private final DockerEngine engine;
    private final Ledger ledger;
    private final Settings settings;
    private final PipelineCheck verifyNow;
    private final FreeSpace freeSpace;
    private final ProgressSink progress;
    private final Consumer<String> afterAction;

    /**
     * What a run did: its exit code, and the same as one JSON document (the plan, the actions, the
     * checks and the summary; or the plan and why nothing was changed).
     */
    public record Result(int exitCode, Map<String, Object> document) {
    }

    /** A refusal of the gate: the error, and the plan it refused as a document. */
    public static final class Refused extends UserError {
        private final transient Map<String, Object> document;

        Refused(String message, Map<String, Object> document) {
            super(ExitCodes.REFUSED, message);
            this.document = document;
        }

        public Map<String, Object> document() {
            return document;
        }
    }

    /**
     * @param afterAction called with each action's journal key once it is journaled (tests pause there to kill
     *                    the process); {@code key -> {}} otherwise
     */
    public Retirer(DockerEngine engine, Ledger ledger, Settings settings, PipelineCheck verifyNow, FreeSpace freeSpace,
                   ProgressSink progress, Consumer<String> afterAction) {
        this.engine = engine;
        this.ledger = ledger;
        this.settings = settings;
        this.verifyNow = verifyNow;
        this.freeSpace = freeSpace;
        this.progress = progress;
        this.afterAction = afterAction;
    }

    /**
     * Bad input is thrown as {@link UserError}, a refused gate as {@link Refused}. With --yes the
     * whole run holds the state directory's lock: a second retire (or deploy, restore...) is refused.
     */
    public Result run(Options o) {
        if (!o.yes()) {
            return runLocked(o);
        }
        try (StateLock lock = StateLock.acquire(ledger.dir(), "migrate retire --yes")) {
            return runLocked(o);
        }
    }

    private Result runLocked(Options o) {
        Instant started = Instant.now();
        // Nothing is created before the run begins: bad input must leave no empty .migrate/retire behind.
        Journal journal = new Journal(ledger.dir().resolve("retire").resolve("journal.jsonl"));
        Journal.Read read = journal.last(o.project());
        Optional<Journal.Run> last = read.run();
        if (!read.unreadable().isEmpty()) {
            progress.warning(Printable.escape("warning: retire journal " + journal.file() + ": unreadable "
                    + String.join(", ", read.unreadable().stream().map(Object::toString).toList())
                    + "; those actions are redone if needed (each is safe to redo)"));
        }
        if (last.isPresent() && !last.get().complete()) {
            requireSameWorld(journal, last.get(), started);
            Journal.Run run = resumeInto(journal, last.get(), o);
            RetirePlan plan = toPlan(run.plan());
            if (!o.yes()) {
                return planOnly(plan, "an interrupted retire (run " + run.id() + ", begun " + run.began() + ") is pending;"
                        + " rerun with --yes to finish it");
            }
            progress.line(plan.text().stripTrailing());
            note("resuming retire run " + run.id() + " begun " + run.began() + " (" + run.done().size()
                    + " actions already done; its gate passed then)");
            return withPlan(plan, execute(journal, run.id(), plan, run.done(), started, o.stopTimeout()));
        }

        Inventory inventory = new Discovery(engine).discover(o.project());
        if (!inventory.actionable()) {
            if (last.isPresent() && !"passed".equals(last.get().outcome())) {
                // everything was removed, but a final check failed (a busy port): check again
                Journal.Run done = last.get();
                requireSameWorld(journal, done, started);
                return execute(journal, done.id(), toPlan(done.plan()), done.done(), started, o.stopTimeout());
            }
            if (inventory.empty() && last.isEmpty()) {
                throw new UserError("compose project '" + o.project() + "' not found on " + inventory.engine().host()
                        + ": no container or volume has the label " + DockerEngine.PROJECT_LABEL + "=" + o.project()
                        + "; check --project (the compose directory's name; see 'docker ps -a') and --docker-host");
            }
            String msg = "nothing to do: " + last.map(done -> "compose project '" + o.project() + "' was retired by run "
                    + done.id() + " (begun " + done.began() + "); its archives are in " + done.plan().archiveDir())
                    .orElse("compose project '" + o.project() + "' has nothing retire may remove");
            if (!inventory.kept().isEmpty()) {
                msg += "; kept: " + String.join(", ", inventory.kept().stream().map(k -> k.kind() + " " + k.name() + " ("
                        + k.reason() + ")").toList());
            }
            progress.line(Printable.escape(msg));
            return new Result(ExitCodes.OK, Map.of("project", o.project(), "nothingToDo", true, "message", msg));
        }
        inventory = withHelperImage(inventory, o);
        List<Integer> ports = !o.ports().isEmpty() ? o.ports()
                : !inventory.ports().isEmpty() ? inventory.ports() : PortProbe.DEFAULT_PORTS;
        String runId = RUN_STAMP.format(started) + "-" + UUID.randomUUID().toString().substring(0, 6);
        Path archiveDir = OutputDirectory.confined(o.backupDir(), o.project() + "-" + runId, "compose project");
        if (o.backup()) {
            // Volume names come from the engine and become file names: refused before anything changes.
            for (Inventory.Volume v : inventory.volumes()) {
                OutputDirectory.confined(archiveDir, v.name() + ArchiveManifest.ARCHIVE_SUFFIX, "volume name from the Docker engine");
            }
        }
        Gate.Verdict gate = Gate.evaluate(ledger, settings, verifyNow, o.force(), o.reason());
        RetirePlan plan = new RetirePlan(inventory, archiveDir, o.backup(), ports, gate);
        if (!gate.allowed()) {
            Result shown = planOnly(plan, "retire refused: " + gate.why());
            ledger.append(record(started, StepRecord.REFUSED, "refused: " + gate.why(), Map.of("project", o.project())));
            throw new Refused("retire refused: " + gate.why() + "; --force --reason TEXT overrides (the reason is recorded)",
                    shown.document());
        }
        if (!o.yes()) {
            return planOnly(plan, "plan only: nothing was changed; rerun with --yes to retire");
        }
        progress.line(plan.text().stripTrailing());
        if (o.backup()) {
            new VolumeArchiver(engine, freeSpace).checkBackupDir(o.backupDir(), inventory.volumes());
        }
        journal.begin(runId, new Journal.PlanState(inventory, archiveDir.toString(), o.backup(), ports, o.force(),
                o.force() ? o.reason() : "", World.planned(engine, inventory)));
        return withPlan(plan, execute(journal, runId, plan, Map.of(), started, o.stopTimeout()));
    }

    /**
     * A resumed run acts only on the world it began in: the same engine (by its ID, not its
     * address), project and volumes (not recreated since). Otherwise it refuses, naming each
     * difference, and changes nothing.
     */
    private void requireSameWorld(Journal journal, Journal.Run run, Instant started) {
        World then = run.plan().world();
        World now = World.of(engine, run.plan().inventory());
        List<String> differences = then == null
                ? List.of("the run was begun by an older migrate that did not record which engine and objects it acts on")
                : then.differences(now, run.done().keySet(), run.plan().backup());
        if (differences.isEmpty()) {
            return;
        }
        String host = run.plan().inventory().engine().host();
        String msg = "refusing to resume retire run " + run.id() + " (begun " + run.began() + "): not the same world: "
                + String.join("; ", differences) + "; nothing was changed; point --docker-host at the engine the run began"
                + " on (" + host + "), or, if that world is gone for good, move " + journal.file()
                + " away and run 'migrate retire' to plan afresh";
        ledger.append(record(started, StepRecord.REFUSED, msg, Map.of("project", run.plan().inventory().project(),
                "run", run.id())));
        throw new UserError(ExitCodes.REFUSED, msg);
    }

    /**
     * Volumes are read through a never-started container, which needs a local image: one of the
     * project's own, or --helper-image when its containers are already gone (e.g. after
     * `docker compose down` without -v).
     */
    private Inventory withHelperImage(Inventory inv, Options o) {
        String image = o.helperImage().isEmpty() ? inv.helperImage() : o.helperImage();
        if (!o.helperImage().isEmpty() && !engine.hasImage(o.helperImage())) {
            throw new UserError("--helper-image " + o.helperImage() + " is not a local image; give one 'docker images' lists");
        }
        if (image.isEmpty() && o.backup() && !inv.volumes().isEmpty()) {
            throw new UserError("no container of project '" + inv.project() + "' is left to borrow an image from, and the"
                    + " volumes are read through a container; pass --helper-image IMAGE (any local image, e.g. one"
                    + " 'docker images' lists; it is never started)");
        }
        return new Inventory(inv.project(), inv.engine(), inv.containers(), inv.volumes(), inv.kept(), inv.ports(), image);
    }

    /**
     * A resumed run keeps its archive directory, unless nothing was archived yet and the operator
     * now names another --backup-dir (say, after a full disk): then the archives go there.
     */
    private Journal.Run resumeInto(Journal journal, Journal.Run run, Options o) {
        Path journaled = Path.of(run.plan().archiveDir());
        if (!run.plan().backup() || journaled.getParent().equals(o.backupDir())) {
            return run;
        }
        if (run.done().keySet().stream().anyMatch(k -> k.startsWith("archive:"))) {
            throw new UserError("the interrupted retire run " + run.id() + " already archived volumes into " + journaled
                    + "; rerun with --backup-dir " + journaled.getParent() + " so all its archives stay together");
        }
        if (!o.yes()) {
            return run;
        }
        String moved = o.backupDir().resolve(journaled.getFileName()).toString();
        journal.moved(run.id(), moved);
        note("archives of the interrupted run go to " + moved + " (was " + journaled + ")");
        return journal.last(o.project()).run().orElseThrow();
    }

    private Result execute(Journal journal, String runId, RetirePlan plan, Map<String, Map<String, Object>> alreadyDone,
                        Instant started, Duration stopTimeout) {
        Inventory inv = plan.inventory();
        JournaledActions actions = new JournaledActions(journal, runId, alreadyDone, afterAction, this::note);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("project", inv.project());
        details.put("run", runId);
        details.put("archiveDir", plan.archiveDir().toString());
        details.put("containers", String.valueOf(inv.containers().size()));
        details.put("volumes", String.valueOf(inv.volumes().size()));
        details.put("backup", String.valueOf(plan.backup()));
        Optional<Journal.Run> begun = journal.last(inv.project()).run();
        begun.filter(r -> r.plan().forced()).ifPresent(r -> {
            details.put("forced", "true");
            details.put("reason", r.plan().reason());
        });
        try {
            new ContainerSteps.DisableRestart(engine, actions).run(inv.containers());
            new ContainerSteps.Stop(engine, actions, stopTimeout).run(inv.containers());
            engine.removeLeftoverHelpers();
            if (plan.backup()) {
                new VolumeSteps.Archive(engine, actions, new VolumeArchiver(engine, freeSpace), this::note)
                        .run(inv, plan.archiveDir());
            }
            new ContainerSteps.Remove(engine, actions).run(inv.containers());
            new VolumeSteps.Remove(engine, actions).run(inv, plan.archiveDir());
            List<CheckResult> checks = new ArrayList<>();
            checks.add(VolumeSteps.proveGone(engine, inv));
            checks.addAll(PortProbe.check(plan.ports()));
            Outcome outcome = Outcome.of(checks);
            String summary = outcome == Outcome.PASSED
                    ? "retired " + inv.containers().size() + " containers and " + inv.volumes().size() + " volumes of '"
                    + inv.project() + "'" + (plan.backup() ? "; archives in " + plan.archiveDir() : " WITHOUT backup")
                    : "retire of '" + inv.project() + "' finished with failed checks: " + failed(checks);
            journal.complete(runId, Map.of("outcome", outcome.label()));
            ledger.append(record(started, outcome == Outcome.PASSED ? StepRecord.PASSED : StepRecord.FAILED, summary,
                    strings(details)));
            return report(checks, summary, actions.log(), outcome.exitCode());
        } catch (UserError e) {
            ledger.append(record(started, e.exitCode() == ExitCodes.INTERRUPTED ? StepRecord.INTERRUPTED : StepRecord.FAILED,
                    e.getMessage(), strings(details)));
            throw e;
        } catch (EngineException e) {
            String msg = "the Docker engine refused a retire action (" + e.getMessage() + "); the actions before it are"
                    + " journaled and nothing after it ran; fix the cause and rerun 'migrate retire --yes' to resume";
            ledger.append(record(started, StepRecord.FAILED, msg, strings(details)));
            throw new UserError(ExitCodes.FAILED, msg, e);
        }
    }

    /** The plan a journaled run began with; its gate passed then and is not shown again. */
    private static RetirePlan toPlan(Journal.PlanState s) {
        return new RetirePlan(s.inventory(), Path.of(s.archiveDir()), s.backup(), s.ports(), null);
    }

    /** The plan and a footer saying why nothing changes; as a document, the plan with the footer as its message. */
    private Result planOnly(RetirePlan plan, String footer) {
        progress.line(plan.text() + Printable.escape(footer));
        Map<String, Object> doc = new LinkedHashMap<>(plan.json());
        doc.put("message", footer);
        return new Result(ExitCodes.OK, doc);
    }

    private static Result withPlan(RetirePlan plan, Result executed) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("plan", plan.json());
        doc.putAll(executed.document());
        return new Result(executed.exitCode(), doc);
    }

    /** Progress lines name containers and volumes the engine supplied: escaped for the terminal. */
    private void note(String line) {
        progress.line(Printable.escape(line));
    }

    private Result report(List<CheckResult> checks, String summary, List<Map<String, String>> log, int exitCode) {
        for (CheckResult r : checks) {
            progress.line(String.format("  %-6s %-16s %s%s", r.status().label(), r.name(), Printable.escape(r.observed()),
                    r.fix().isEmpty() ? "" : "  -> " + Printable.escape(r.fix())));
        }
        progress.line(Printable.escape(summary));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("actions", log);
        doc.put("checks", checks);
        doc.put("summary", summary);
        return new Result(exitCode, doc);
    }

    private StepRecord record(Instant started, String outcome, String summary, Map<String, String> details) {
        return new StepRecord("retire", started, Instant.now(), settings.digest(), outcome, summary, "", details);
    }

    private static Map<String, String> strings(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static String failed(List<CheckResult> checks) {
        return String.join("; ", checks.stream().filter(CheckResult::failed).map(CheckResult::observed).toList());
    }
}
