package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.data.OutputDirectory;
import dev.migrate.io.Printable;
import dev.migrate.io.StateLock;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.EngineException;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.io.PrintStream;
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

/**
 * Composes retire's steps: {@link Discovery} -> {@link Gate} -> {@link RetirePlan} (printed; the
 * whole output without --yes) -> with --yes the journaled execute steps in a fixed order
 * ({@link ContainerSteps.DisableRestart}, {@link ContainerSteps.Stop}, {@link VolumeSteps.Archive},
 * {@link ContainerSteps.Remove}, {@link VolumeSteps.Remove}) -> the final checks
 * ({@link VolumeSteps#proveGone}, {@link PortProbe}). A rerun after a crash resumes the plan the
 * run began with and skips what the journal says is done.
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
    private final PrintStream out;
    private final boolean json;
    private final Map<String, String> env;
    /** With -o json and --yes, the plan waits to be printed together with the result, as one document. */
    private Map<String, Object> pendingPlan;

    public Retirer(DockerEngine engine, Ledger ledger, Settings settings, PipelineCheck verifyNow, FreeSpace freeSpace,
                   PrintStream out, boolean json, Map<String, String> env) {
        this.engine = engine;
        this.ledger = ledger;
        this.settings = settings;
        this.verifyNow = verifyNow;
        this.freeSpace = freeSpace;
        this.out = out;
        this.json = json;
        this.env = env;
    }

    /**
     * Returns the exit code; bad input and refusals are thrown as {@link UserError}. With --yes the
     * whole run holds the state directory's lock: a second retire (or deploy, restore...) is refused.
     */
    public int run(Options o) {
        if (!o.yes()) {
            return runLocked(o);
        }
        try (StateLock lock = StateLock.acquire(ledger.dir(), "migrate retire --yes")) {
            return runLocked(o);
        }
    }

    private int runLocked(Options o) {
        Instant started = Instant.now();
        // Nothing is created before the run begins: bad input must leave no empty .migrate/retire behind.
        Journal journal = new Journal(ledger.dir().resolve("retire").resolve("journal.jsonl"));
        Optional<Journal.Run> last = journal.last(o.project());
        if (!journal.unreadable().isEmpty()) {
            note("warning: retire journal " + journal.file() + ": unreadable "
                    + String.join(", ", journal.unreadable().stream().map(Object::toString).toList())
                    + "; those actions are redone if needed (each is safe to redo)");
        }
        if (last.isPresent() && !last.get().complete()) {
            requireSameWorld(journal, last.get(), started);
            Journal.Run run = resumeInto(journal, last.get(), o);
            RetirePlan plan = toPlan(run.plan());
            if (!o.yes()) {
                print(plan, "an interrupted retire (run " + run.id() + ", begun " + run.began() + ") is pending;"
                        + " rerun with --yes to finish it");
                return ExitCodes.OK;
            }
            print(plan, null);
            note("resuming retire run " + run.id() + " begun " + run.began() + " (" + run.done().size()
                    + " actions already done; its gate passed then)");
            return execute(journal, run.id(), plan, run.done(), started, o.stopTimeout());
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
            out.println(json ? toJson(Map.of("project", o.project(), "nothingToDo", true, "message", msg)) : Printable.escape(msg));
            return ExitCodes.OK;
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
            print(plan, "retire refused: " + gate.why());
            ledger.append(record(started, StepRecord.REFUSED, "refused: " + gate.why(), Map.of("project", o.project())));
            throw new UserError(ExitCodes.REFUSED, "retire refused: " + gate.why()
                    + "; --force --reason TEXT overrides (the reason is recorded)");
        }
        if (!o.yes()) {
            print(plan, "plan only: nothing was changed; rerun with --yes to retire");
            return ExitCodes.OK;
        }
        print(plan, null);
        if (o.backup()) {
            new VolumeArchiver(engine, freeSpace).checkBackupDir(o.backupDir(), inventory.volumes());
        }
        journal.begin(runId, new Journal.PlanState(inventory, archiveDir.toString(), o.backup(), ports, o.force(),
                o.force() ? o.reason() : "", World.planned(engine, inventory)));
        return execute(journal, runId, plan, Map.of(), started, o.stopTimeout());
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
        return journal.last(o.project()).orElseThrow();
    }

    private int execute(Journal journal, String runId, RetirePlan plan, Map<String, Map<String, Object>> alreadyDone,
                        Instant started, Duration stopTimeout) {
        Inventory inv = plan.inventory();
        JournaledActions actions = new JournaledActions(journal, runId, alreadyDone, env, this::note);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("project", inv.project());
        details.put("run", runId);
        details.put("archiveDir", plan.archiveDir().toString());
        details.put("containers", String.valueOf(inv.containers().size()));
        details.put("volumes", String.valueOf(inv.volumes().size()));
        details.put("backup", String.valueOf(plan.backup()));
        Optional<Journal.Run> begun = journal.last(inv.project());
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
            report(checks, summary, actions.log());
            return outcome.exitCode();
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

    private void print(RetirePlan plan, String footer) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>(plan.json());
            if (footer != null) {
                doc.put("message", footer);
                out.println(toJson(doc));
            } else {
                pendingPlan = doc;
            }
            return;
        }
        out.print(plan.text());
        if (footer != null) {
            out.println(Printable.escape(footer));
        }
    }

    /** Progress lines name containers and volumes the engine supplied: escaped for the terminal. */
    private void note(String line) {
        if (!json) {
            out.println(Printable.escape(line));
        }
    }

    private void report(List<CheckResult> checks, String summary, List<Map<String, String>> log) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            if (pendingPlan != null) {
                doc.put("plan", pendingPlan);
            }
            doc.put("actions", log);
            doc.put("checks", checks);
            doc.put("summary", summary);
            out.println(toJson(doc));
            return;
        }
        for (CheckResult r : checks) {
            out.printf("  %-6s %-16s %s%s%n", r.status().label(), r.name(), Printable.escape(r.observed()),
                    r.fix().isEmpty() ? "" : "  -> " + Printable.escape(r.fix()));
        }
        out.println(Printable.escape(summary));
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

    static String toJson(Object doc) {
        try {
            return Json.MAPPER.writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
