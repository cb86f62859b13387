package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs retire: discovery, gate, plan, then (with --yes) the journaled actions in a fixed order:
 * restart policy to 'no', stop, archive + verify, remove containers, remove volumes by exact
 * name, list again, check the ports. Every action is journaled when done, so a rerun after a
 * crash skips what is done and finishes the rest of the plan it began with.
 */
public final class Retirer {
    /** Test-only: pause after each action of this kind (e.g. "archive") so a test can kill -9 the process. */
    public static final String TEST_PAUSE_ENV = "MIGRATE_TEST_ONLY_PAUSE_AFTER";
    public static final String TEST_PAUSE_SECONDS_ENV = "MIGRATE_TEST_ONLY_PAUSE_SECONDS";
    private static final DateTimeFormatter RUN_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param ports       ports to check afterwards; empty means those the project published, else the defaults
     * @param stopTimeout how long a container gets to stop before retire gives up (nothing is deleted then)
     */
    public record Options(String project, Path backupDir, boolean backup, List<Integer> ports, Duration stopTimeout,
                          boolean yes, boolean force, String reason) {
    }

    private final DockerEngine engine;
    private final Ledger ledger;
    private final Settings settings;
    private final PipelineCheck verifyNow;
    private final FreeSpace freeSpace;
    private final PrintStream out;
    private final boolean json;
    private final Map<String, String> env;

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

    /** Returns the exit code; bad input and refusals are thrown as {@link UserError}. */
    public int run(Options o) {
        Instant started = Instant.now();
        Journal journal = new Journal(ledger.subdir("retire").resolve("journal.jsonl"));
        Optional<Journal.Run> last = journal.last(o.project());
        if (last.isPresent() && !last.get().complete()) {
            Journal.Run run = resumeInto(journal, last.get(), o);
            RetirePlan plan = toPlan(run.plan(), null);
            if (!o.yes()) {
                print(plan, "an interrupted retire (run " + run.id() + ", begun " + run.began() + ") is pending;"
                        + " rerun with --yes to finish it");
                return ExitCodes.OK;
            }
            note("resuming retire run " + run.id() + " begun " + run.began() + " (" + run.done().size()
                    + " actions already done; its gate passed then)");
            return execute(journal, run.id(), plan, run.done(), started, o.stopTimeout());
        }

        Inventory inventory = new Discovery(engine).discover(o.project());
        if (inventory.empty()) {
            if (last.isPresent()) {
                Journal.Run done = last.get();
                String msg = "nothing to do: compose project '" + o.project() + "' was retired by run " + done.id()
                        + " (begun " + done.began() + "); its archives are in " + done.plan().archiveDir();
                if (json) {
                    out.println(toJson(Map.of("project", o.project(), "nothingToDo", true, "message", msg)));
                } else {
                    out.println(msg);
                }
                return ExitCodes.OK;
            }
            throw new UserError("compose project '" + o.project() + "' not found on " + inventory.engine().host()
                    + ": no container or volume has the label " + DockerEngine.PROJECT_LABEL + "=" + o.project()
                    + "; check --project (the compose directory's name; see 'docker ps -a') and --docker-host");
        }
        List<Integer> ports = !o.ports().isEmpty() ? o.ports()
                : !inventory.ports().isEmpty() ? inventory.ports() : PortProbe.DEFAULT_PORTS;
        String runId = RUN_STAMP.format(started) + "-" + UUID.randomUUID().toString().substring(0, 6);
        Path archiveDir = o.backupDir().resolve(o.project() + "-" + runId);
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
                o.force() ? o.reason() : ""));
        return execute(journal, runId, plan, Map.of(), started, o.stopTimeout());
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
        Actions actions = new Actions(journal, runId, alreadyDone);
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
            for (ContainerInfo c : inv.containers()) {
                actions.run("restart-policy", c.id(), c.name(), () -> {
                    ignoreGone(() -> engine.setRestartPolicy(c.id(), "no"));
                    return Map.of("was", c.restartPolicy());
                });
            }
            for (ContainerInfo c : inv.containers()) {
                actions.run("stop", c.id(), c.name(), () -> {
                    try {
                        ignoreGone(() -> engine.stop(c.id(), stopTimeout));
                    } catch (EngineException e) {
                        throw new UserError(ExitCodes.FAILED, "container " + c.name() + " did not stop within "
                                + stopTimeout.toSeconds() + " s (" + e.getMessage() + "); nothing was deleted; stop it"
                                + " yourself (docker kill " + c.name() + ") and rerun 'migrate retire --yes' to resume");
                    }
                    return Map.of();
                });
            }
            Map<String, ArchiveManifest> archives = new LinkedHashMap<>();
            engine.removeLeftoverHelpers();
            if (plan.backup()) {
                VolumeArchiver archiver = new VolumeArchiver(engine, freeSpace);
                List<Inventory.Volume> pending = inv.volumes().stream().filter(v -> !actions.done("archive", v.name())).toList();
                if (!pending.isEmpty() && !alreadyDone.isEmpty()) {
                    archiver.checkBackupDir(plan.archiveDir().getParent(), pending);
                }
                for (Inventory.Volume v : inv.volumes()) {
                    Map<String, Object> data = actions.run("archive", v.name(), v.name(), () -> {
                        ArchiveManifest m = archiver.archive(inv.project(), v, plan.archiveDir(), inv.helperImage());
                        return Map.of("manifest", m);
                    });
                    ArchiveManifest m = Journal.LINE.convertValue(data.get("manifest"), ArchiveManifest.class);
                    if (alreadyDone.containsKey("archive:" + v.name())) {
                        // written by an earlier, interrupted process: make sure the file is still what it wrote
                        try {
                            VolumeArchiver.check(plan.archiveDir().resolve(m.archive()), m.archiveSha256(), false);
                        } catch (VolumeArchiver.BadArchive bad) {
                            note("  archive of " + v.name() + " from the interrupted run failed verification ("
                                    + bad.getMessage() + "); archiving it again");
                            m = archiver.archive(inv.project(), v, plan.archiveDir(), inv.helperImage());
                            journal.done(runId, "archive:" + v.name(), Map.of("manifest", m));
                        }
                    }
                    archives.put(v.name(), m);
                }
            }
            for (ContainerInfo c : inv.containers()) {
                actions.run("remove-container", c.id(), c.name(), () -> {
                    engine.removeContainer(c.id());
                    return Map.of();
                });
            }
            for (Inventory.Volume v : inv.volumes()) {
                actions.run("remove-volume", v.name(), v.name(), () -> {
                    try {
                        engine.removeVolume(v.name());
                    } catch (EngineException e) {
                        throw new UserError(ExitCodes.FAILED, "volume " + v.name() + " could not be removed (" + e.getMessage()
                                + "); it is kept and its archive is in " + plan.archiveDir() + "; find its user with"
                                + " 'docker ps -a --filter volume=" + v.name() + "', then rerun 'migrate retire --yes'");
                    }
                    return Map.of();
                });
            }
            List<CheckResult> checks = new ArrayList<>();
            checks.add(proveGone(inv));
            checks.addAll(PortProbe.check(plan.ports()));
            Outcome outcome = Outcome.of(checks);
            String summary = outcome == Outcome.PASSED
                    ? "retired " + inv.containers().size() + " containers and " + inv.volumes().size() + " volumes of '"
                    + inv.project() + "'" + (plan.backup() ? "; archives in " + plan.archiveDir() : " WITHOUT backup")
                    : "retire of '" + inv.project() + "' finished with failed checks: " + failed(checks);
            journal.complete(runId, Map.of("outcome", outcome.label()));
            ledger.append(record(started, outcome == Outcome.PASSED ? StepRecord.PASSED : StepRecord.FAILED, summary,
                    strings(details)));
            report(checks, summary, actions.log);
            return outcome.exitCode();
        } catch (UserError e) {
            ledger.append(record(started, StepRecord.FAILED, e.getMessage(), strings(details)));
            throw e;
        }
    }

    /** Lists the engine again: the Engine only warns when a volume is in use, so trust nothing else. */
    private CheckResult proveGone(Inventory inv) {
        Set<String> ids = new HashSet<>();
        inv.containers().forEach(c -> ids.add(c.id()));
        List<String> left = new ArrayList<>();
        engine.allContainers().stream().filter(c -> ids.contains(c.id())).forEach(c -> left.add("container " + c.name()));
        Set<String> names = new HashSet<>();
        inv.volumes().forEach(v -> names.add(v.name()));
        engine.volumes().stream().filter(v -> names.contains(v.name())).forEach(v -> left.add("volume " + v.name()));
        return left.isEmpty()
                ? CheckResult.pass("gone", inv.containers().size() + " containers and " + inv.volumes().size()
                + " volumes no longer listed by the engine")
                : CheckResult.fail("gone", "still listed: " + String.join(", ", left),
                "something recreated or still holds them", "inspect them with docker ps -a / docker volume ls, then rerun");
    }

    private static void ignoreGone(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    private RetirePlan toPlan(Journal.PlanState s, Gate.Verdict gate) {
        return new RetirePlan(s.inventory(), Path.of(s.archiveDir()), s.backup(), s.ports(), gate);
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
            out.println(footer);
        }
    }

    private Map<String, Object> pendingPlan;

    private void note(String line) {
        if (!json) {
            out.println(line);
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
            out.printf("  %-6s %-16s %s%s%n", r.status().label(), r.name(), r.observed(),
                    r.fix().isEmpty() ? "" : "  -> " + r.fix());
        }
        out.println(summary);
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

    /** Journaled actions: each runs at most once per run, and is on disk before the next starts. */
    private final class Actions {
        private final Journal journal;
        private final String runId;
        private final Map<String, Map<String, Object>> done;
        final List<Map<String, String>> log = new ArrayList<>();

        Actions(Journal journal, String runId, Map<String, Map<String, Object>> done) {
            this.journal = journal;
            this.runId = runId;
            this.done = new LinkedHashMap<>(done);
        }

        boolean done(String kind, String target) {
            return done.containsKey(kind + ":" + target);
        }

        Map<String, Object> run(String kind, String target, String label, java.util.function.Supplier<Map<String, Object>> action) {
            String key = kind + ":" + target;
            if (done.containsKey(key)) {
                log.add(Map.of("action", kind, "target", label, "status", "already done"));
                return done.get(key);
            }
            Map<String, Object> data = action.get();
            journal.done(runId, key, data);
            done.put(key, data);
            log.add(Map.of("action", kind, "target", label, "status", "done"));
            note(String.format("  done   %-16s %s", kind, label));
            testPause(key);
            return Journal.LINE.convertValue(data, Map.class);
        }

        private void testPause(String key) {
            String kind = env.getOrDefault(TEST_PAUSE_ENV, "");
            if (kind.isEmpty() || !key.startsWith(kind + ":")) {
                return;
            }
            long seconds = Long.parseLong(env.getOrDefault(TEST_PAUSE_SECONDS_ENV, "60"));
            System.err.println("migrate: TEST-ONLY " + TEST_PAUSE_ENV + " is set: pausing " + seconds + " s after " + key);
            System.err.flush();
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
