package dev.migrate.deploy;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.Trees;
import dev.migrate.cluster.preflight.LokiConfigSource;
import dev.migrate.cluster.preflight.Preflight;
import dev.migrate.cluster.preflight.PreflightContext;
import dev.migrate.io.Printable;
import dev.migrate.io.StateLock;
import dev.migrate.io.ProgressSink;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `migrate deploy` against a cluster, as steps with explicit inputs and outputs:
 * plan (printed before anything changes) -> {@link Preflight} -> {@link ApplyStep} -> the plan's
 * waits ({@link RolloutWaitStep}, {@link VipWaitStep}) -> ledger record. With --diff the same path runs
 * with a server dry-run apply and stops before the waits; nothing is written and nothing recorded.
 * Everything one run knows travels as values ({@link Run}, {@link Done}); the runner keeps no state
 * between runs.
 */
public final class DeployRunner {
    private final Clock clock;
    private final Sleeper sleeper;
    private final ProgressSink progress;
    private final Preflight preflight;
    /** The real clock, whatever {@code clock} the waits run on: the API server stamps its answers with real time. */
    private final Clock wall;

    /** @param progress the plan, check results, per-object actions and the summary; heartbeats while waiting */
    public DeployRunner(Clock clock, Sleeper sleeper, ProgressSink progress) {
        this(clock, sleeper, progress, Preflight.standard());
    }

    DeployRunner(Clock clock, Sleeper sleeper, ProgressSink progress, Preflight preflight) {
        this(clock, sleeper, progress, preflight, Clock.systemUTC());
    }

    DeployRunner(Clock clock, Sleeper sleeper, ProgressSink progress, Preflight preflight, Clock wall) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
        this.preflight = preflight;
        this.wall = wall;
    }

    /**
     * One run's inputs, fixed once the plan is made.
     *
     * @param lastApplied what the last deploy to this cluster and namespace recorded of its applies (none for --diff)
     */
    private record Run(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster, Instant started,
                       DeployPlan plan, Map<String, AppliedVersion> lastApplied) {
    }

    /** What has run so far: the preflight results, what the apply did, the waits' results. */
    private record Done(List<CheckResult> preflight, List<ObjectChange> changes, List<CheckResult> waits) {
        static final Done NOTHING = new Done(List.of(), List.of(), List.of());
    }

    /**
     * A run cut short after its plan was printed (SIGINT, the API server gone or refusing): the
     * one-line error, and the result as far as the run got, so that under -o json stdout still
     * says which objects were changed.
     */
    public static final class Stopped extends UserError {
        private final transient DeployResult result;

        Stopped(String message, UserError cause, DeployResult result) {
            super(cause.exitCode(), message, cause);
            this.result = result;
        }

        /** What the run had done when it stopped; its summary is this error's message. */
        public DeployResult result() {
            return result;
        }
    }

    /** The plan for these inputs, without touching the cluster beyond naming it. */
    public DeployPlan plan(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster) {
        List<DeployPlan.PlannedCheck> checks = preflight.checks().stream().map(c -> new DeployPlan.PlannedCheck(c.name(),
                c.description(), options.skipChecks().contains(c.name()))).toList();
        List<DeployPlan.Wait> waits = new ArrayList<>();
        if (!options.diffOnly()) {
            // Every rollout first: a VIP is only worth waiting for once the pods behind it run.
            for (ManifestObject o : bundle.objects()) {
                if (o.kind().equals("Deployment")) {
                    waits.add(new DeployPlan.Rollout(o.namespace(), o.name()));
                }
            }
            for (ManifestObject o : bundle.objects()) {
                if (o.kind().equals("Service") && "LoadBalancer".equals(Trees.text(o.body(), "spec", "type"))) {
                    waits.add(new DeployPlan.Vip(o.namespace(), o.name(), settings.vip()));
                }
            }
        }
        return new DeployPlan(cluster.context(), cluster.serverUrl(), settings.namespace(), DeployPlan.mode(options),
                ApplyOrder.sort(bundle.objects()).stream().map(ManifestObject::id).toList(), checks, waits,
                DeployPlan.timeout(options.timeout()));
    }

    /**
     * Plans, preflights, applies, waits and records. Returns the outcome for anything the cluster
     * answered (a failed check, a conflict, a rollout timeout); throws {@link UserError} for bad
     * input before anything is sent, and throws {@link Stopped} (after recording it, with every
     * object the apply changed) for an unreachable or unauthorized API server or an interrupt.
     */
    public DeployResult run(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster) {
        preflight.validateSkips(options.skipChecks());
        cluster.onUnavailable(progress::waiting);
        Run run = new Run(settings, bundle, options, cluster, clock.instant(), plan(settings, bundle, options, cluster),
                options.diffOnly() ? Map.of() : lastApplied(settings, cluster));
        progress.line(run.plan().render());
        progress.line("");
        return execute(run);
    }

    /**
     * What the last deploy recorded of its applies, when it went to the same server, context and
     * namespace; none when the ledger cannot say (every object is then read before its apply).
     */
    private static Map<String, AppliedVersion> lastApplied(Settings settings, Cluster cluster) {
        try {
            return new Ledger(settings.stateDir()).latest("deploy")
                    .filter(r -> cluster.context().equals(r.details().get("context"))
                            && cluster.serverUrl().equals(r.details().get("server"))
                            && settings.namespace().equals(r.details().get("namespace")))
                    .map(r -> AppliedVersion.parse(r.details().getOrDefault(AppliedVersion.LEDGER_KEY, "")))
                    .orElse(Map.of());
        } catch (UserError unreadable) {
            return Map.of(); // the record at the end says what is wrong with the state directory
        }
    }

    /** Each step that can be cut short (SIGINT, the server gone) records the run with what it had changed. */
    private DeployResult execute(Run run) {
        DeployOptions options = run.options();
        Cluster cluster = run.cluster();
        List<CheckResult> checks;
        try {
            LokiConfigSource loki = options.lokiUrl().map(LokiConfigSource::viaUrl)
                    .orElseGet(() -> LokiConfigSource.viaProxy(cluster, run.settings().namespace(), run.settings().lokiService()));
            progress.line("preflight:");
            checks = preflight.run(new PreflightContext(run.settings(), run.bundle(), cluster, loki.read(),
                    loki.description()), options.skipChecks());
        } catch (UserError e) {
            throw stopped(run, Done.NOTHING, e, "before the apply", "", "run 'migrate deploy' again");
        }
        checks.forEach(this::print);
        List<String> failed = checks.stream().filter(CheckResult::failed).map(CheckResult::name).toList();
        if (!failed.isEmpty()) {
            return finish(run, new Done(checks, List.of(), List.of()), false,
                    "preflight failed (" + String.join(", ", failed) + "); nothing was applied");
        }

        // The one lock for a step that changes something: a second deploy (or retire) on this state dir is refused.
        try (StateLock lock = options.diffOnly() ? null : StateLock.acquire(run.settings().stateDir(), "migrate deploy")) {
            return applyAndWait(run, checks);
        }
    }

    private DeployResult applyAndWait(Run run, List<CheckResult> checks) {
        DeployOptions options = run.options();
        progress.line(options.diffOnly() ? "diff (server dry-run):" : "apply:");
        ApplyStep.Result applied;
        try {
            applied = new ApplyStep(run.cluster(), progress, run.lastApplied(), wall).run(run.bundle().objects(),
                    options.forceConflicts(), options.diffOnly());
        } catch (ApplyStep.Stopped s) {
            String inFlight = s.inFlight().isEmpty() ? "" : "; the apply of " + s.inFlight()
                    + " was cut short (it may or may not have reached the API server)";
            String notApplied = s.notApplied().isEmpty() ? "" : "; not applied: " + String.join(", ", s.notApplied());
            throw stopped(run, new Done(checks, s.applied(), List.of()), s.getCause(), "during the apply", inFlight + notApplied,
                    "run 'migrate deploy' again to apply the rest and wait for the rollout");
        }
        Done done = new Done(checks, applied.changes(), List.of());
        if (applied.failure().isPresent()) {
            return finish(run, done, false, applied.failure().get());
        }
        if (options.diffOnly()) {
            long changing = applied.changes().stream().filter(ObjectChange::changed).count();
            return finish(run, done, true, changing == 0 ? "diff: unchanged, the cluster already matches the bundle"
                    : "diff: " + changing + " of " + applied.changes().size() + " objects would change; nothing was changed");
        }

        List<CheckResult> waits;
        try {
            waits = waitFor(run, applied.changes());
        } catch (UserError e) {
            throw stopped(run, done, e, "while waiting", "",
                    "run 'migrate deploy' again to wait for the rollout");
        }
        boolean ok = waits.stream().noneMatch(CheckResult::failed);
        String changes = changeSummary(applied.changes());
        String summary = ok ? changes + "; " + waits.size() + " waits passed"
                : changes + "; " + String.join(", ", waits.stream().filter(CheckResult::failed).map(CheckResult::name).toList())
                + " failed";
        return finish(run, new Done(checks, applied.changes(), waits), ok, summary);
    }

    /**
     * Walks the plan's waits in order: what was printed is what runs. Each starts from the object
     * as its apply was answered, so a Deployment already rolled out or a VIP already assigned needs
     * no further read.
     */
    private List<CheckResult> waitFor(Run run, List<ObjectChange> applied) {
        Map<String, Map<String, Object>> answers = new LinkedHashMap<>();
        applied.forEach(c -> answers.put(c.id(), c.answer()));
        progress.line("wait:");
        Instant deadline = clock.instant().plus(run.options().timeout());
        Poller poller = new Poller(clock, sleeper, progress);
        List<CheckResult> results = new ArrayList<>();
        for (DeployPlan.Wait wait : run.plan().waits()) {
            CheckResult result;
            if (wait instanceof DeployPlan.Rollout r) {
                result = new RolloutWaitStep(run.cluster(), poller).run(r.namespace(), r.name(), deadline,
                        answers.getOrDefault("Deployment/" + r.namespace() + "/" + r.name(), Map.of()));
            } else if (wait instanceof DeployPlan.Vip v && results.stream().anyMatch(CheckResult::failed)) {
                // After a definite rollout failure, waiting out the timeout for the VIP only delays the answer.
                result = CheckResult.skipped("vip " + v.vip(), "not waited for: the rollout failed first");
            } else {
                DeployPlan.Vip v = (DeployPlan.Vip) wait;
                result = new VipWaitStep(run.cluster(), poller, clock).run(v.namespace(), v.service(), v.vip(), deadline,
                        answers.getOrDefault("Service/" + v.namespace() + "/" + v.service(), Map.of()));
            }
            results.add(print(result));
        }
        return results;
    }

    /**
     * The error to throw for a run that stopped on {@code e}, after recording it with every object
     * the apply changed. An interrupt after something was applied names those objects and what to do.
     *
     * @param done  what the run had done; its changes are what the error and the ledger name
     * @param when  "before the apply", "during the apply" or "while waiting"
     * @param more  what else the operator must know about the apply (the object in flight, the rest)
     * @param next  how to finish the deploy
     */
    private Stopped stopped(Run run, Done done, UserError e, String when, String more, String next) {
        List<ObjectChange> applied = done.changes();
        boolean interrupted = e.exitCode() == ExitCodes.INTERRUPTED;
        String changed = applied.stream().filter(ObjectChange::changed).map(c -> c.id() + " " + c.action()).toList()
                .toString();
        String what = applied.isEmpty() ? "nothing was applied" : changeSummary(applied) + " " + changed;
        String message;
        if (interrupted) {
            message = "interrupted " + when + (when.startsWith("while") ? ", after the apply" : "") + ": " + what + more
                    + "; recorded as interrupted in the ledger; " + next;
        } else {
            message = e.getMessage() + (applied.isEmpty() ? "" : "; applied before it stopped: " + changed) + more;
        }
        String outcome = interrupted ? StepRecord.INTERRUPTED : StepRecord.FAILED;
        try {
            record(run, applied, outcome, message);
        } catch (UserError unrecorded) {
            message = message.replace("; recorded as interrupted in the ledger", "") + "; the outcome could not be recorded ("
                    + unrecorded.getMessage() + ")";
        }
        return new Stopped(message, e, new DeployResult(e.exitCode(), outcome, message, run.plan(), done.preflight(),
                applied, done.waits()));
    }

    static String changeSummary(List<ObjectChange> changes) {
        Map<ObjectChange.Action, Integer> counts = new EnumMap<>(ObjectChange.Action.class);
        changes.forEach(c -> counts.merge(c.action(), 1, Integer::sum));
        if (counts.getOrDefault(ObjectChange.Action.UNCHANGED, 0) == changes.size()) {
            return "unchanged: all " + changes.size() + " objects already as applied";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((action, n) -> parts.add(n + " " + action.label()));
        return "applied " + changes.size() + " objects (" + String.join(", ", parts) + ")";
    }

    private DeployResult finish(Run run, Done done, boolean ok, String summary) {
        progress.line("");
        progress.line((ok ? "deploy " + (run.options().diffOnly() ? "diff" : "passed") : "deploy FAILED") + ": " + summary);
        String outcome = ok ? StepRecord.PASSED : StepRecord.FAILED;
        try {
            record(run, done.changes(), outcome, summary, failures(done));
        } catch (UserError unrecorded) {
            // The cluster was changed; say exactly what, and how to get it recorded.
            throw new UserError(ExitCodes.FAILED, "deploy " + outcome + " (" + summary + ") but the outcome could not be"
                    + " recorded: " + unrecorded.getMessage() + "; make the state directory writable and run"
                    + " 'migrate deploy' again (an unchanged re-apply records it)", unrecorded);
        }
        return new DeployResult(ok ? ExitCodes.OK : ExitCodes.FAILED, outcome, summary, run.plan(), done.preflight(),
                done.changes(), done.waits());
    }

    /** Each failed check or wait with what it observed (e.g. the controller's ProgressDeadlineExceeded), for the ledger. */
    private static String failures(Done done) {
        List<CheckResult> all = new ArrayList<>(done.preflight());
        all.addAll(done.waits());
        return String.join("; ", all.stream().filter(CheckResult::failed).map(r -> r.name() + ": " + r.observed()).toList());
    }

    private void record(Run run, List<ObjectChange> changes, String outcome, String summary) {
        record(run, changes, outcome, summary, "");
    }

    private void record(Run run, List<ObjectChange> changes, String outcome, String summary, String failed) {
        if (run.options().diffOnly()) {
            return; // A diff changes nothing, so it is not a deploy run and must not look like one in `migrate status`.
        }
        Settings settings = run.settings();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("context", run.cluster().context());
        details.put("server", run.cluster().serverUrl());
        details.put("namespace", settings.namespace());
        details.put("vip", settings.vip());
        details.put("collectorImage", settings.collectorImage());
        details.put("objects", String.join(",", run.plan().objects()));
        details.put("changed", String.join(",", changes.stream().filter(ObjectChange::changed)
                .map(c -> c.id() + "=" + c.action()).toList()));
        details.put("unchanged", String.valueOf(changes.stream().filter(c -> !c.changed()).count()));
        details.put("skippedChecks", String.join(",", run.options().skipChecks().stream().sorted().toList()));
        details.put("forceConflicts", String.valueOf(run.options().forceConflicts()));
        if (!failed.isEmpty()) {
            details.put("failed", failed);
        }
        // What exactly was sent, so `migrate record` can state each object's digest without re-deriving it.
        details.put("objectDigests", String.join(",", run.bundle().objects().stream().map(o -> o.id() + "=" + o.digest()).toList()));
        // What the server answered each apply, so the next deploy can judge its own applies without reading first.
        details.put(AppliedVersion.LEDGER_KEY, AppliedVersion.format(AppliedVersion.after(run.bundle().objects(),
                run.lastApplied(), changes, wall.instant())));
        new Ledger(settings.stateDir()).append(new StepRecord("deploy", run.started(), clock.instant(), settings.digest(),
                outcome, summary, "", details));
    }

    private CheckResult print(CheckResult r) {
        String status = r.status() == Status.SKIPPED ? "SKIP" : r.status().name();
        progress.line(String.format("  %-4s  %-22s %s", status, r.name(),
                Printable.escape(r.status() == Status.SKIPPED ? r.cause() : r.observed())));
        if (r.status() != Status.PASS && r.status() != Status.SKIPPED) {
            progress.line("        cause: " + Printable.escape(r.cause()));
            progress.line("        fix:   " + Printable.escape(r.fix()));
        }
        return r;
    }
}
