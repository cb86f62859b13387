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
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `migrate deploy` against a cluster, as steps with explicit inputs and outputs:
 * plan (printed before anything changes) -> {@link Preflight} -> {@link ApplyStep} ->
 * {@link RolloutWaitStep} -> {@link VipWaitStep} -> ledger record. With --diff the same path runs
 * with a server dry-run apply and stops before the waits; nothing is written and nothing recorded.
 */
public final class DeployRunner {
    private final Clock clock;
    private final Sleeper sleeper;
    private final PrintStream out;
    private final PrintStream err;
    private final Preflight preflight;

    /**
     * @param out the plan, check results, per-object actions and the summary
     * @param err progress lines while waiting
     */
    public DeployRunner(Clock clock, Sleeper sleeper, PrintStream out, PrintStream err) {
        this(clock, sleeper, out, err, Preflight.standard());
    }

    DeployRunner(Clock clock, Sleeper sleeper, PrintStream out, PrintStream err, Preflight preflight) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.out = out;
        this.err = err;
        this.preflight = preflight;
    }

    /** The plan for these inputs, without touching the cluster beyond naming it. */
    public DeployPlan plan(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster) {
        List<DeployPlan.PlannedCheck> checks = preflight.checks().stream().map(c -> new DeployPlan.PlannedCheck(c.name(),
                c.description(), options.skipChecks().contains(c.name()))).toList();
        List<String> waits = new ArrayList<>();
        if (!options.diffOnly()) {
            for (ManifestObject o : bundle.objects()) {
                if (o.kind().equals("Deployment")) {
                    waits.add("rollout of " + o.id() + " (like kubectl rollout status)");
                } else if (isLoadBalancer(o)) {
                    waits.add("VIP " + settings.vip() + " in .status.loadBalancer.ingress of " + o.id());
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
     * input before anything is sent, and rethrows (after recording it) an unreachable or
     * unauthorized API server or an interrupt.
     */
    public DeployResult run(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster) {
        preflight.validateSkips(options.skipChecks());
        Instant started = clock.instant();
        DeployPlan plan = plan(settings, bundle, options, cluster);
        out.println(plan.render());
        out.println();
        applied = List.of();
        try {
            return execute(settings, bundle, options, cluster, started, plan);
        } catch (UserError e) {
            boolean interrupted = e.exitCode() == ExitCodes.INTERRUPTED;
            String changed = applied.stream().filter(ObjectChange::changed).map(c -> c.id() + " " + c.action()).toList()
                    .toString();
            String message = interrupted && !applied.isEmpty()
                    ? "interrupted while waiting, after the apply: " + changeSummary(applied) + " " + changed
                    + "; recorded as interrupted in the ledger; run 'migrate deploy' again to wait for the rollout"
                    : e.getMessage();
            try {
                record(settings, bundle, options, started, plan, applied, interrupted ? StepRecord.INTERRUPTED : StepRecord.FAILED,
                        message, cluster);
            } catch (UserError unrecorded) {
                throw new UserError(e.exitCode(), message.replace("; recorded as interrupted in the ledger", "")
                        + (applied.isEmpty() ? "" : "; applied before it stopped: " + changed)
                        + "; the outcome could not be recorded (" + unrecorded.getMessage() + ")", e);
            }
            if (interrupted && !applied.isEmpty()) {
                throw new UserError(ExitCodes.INTERRUPTED, message, e);
            }
            throw e;
        }
    }

    /** What this run's apply changed so far, for a message when it stops before the end. */
    private List<ObjectChange> applied = List.of();

    private DeployResult execute(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster,
                                 Instant started, DeployPlan plan) {
        LokiConfigSource loki = options.lokiUrl().map(LokiConfigSource::viaUrl)
                .orElseGet(() -> LokiConfigSource.viaProxy(cluster, settings.namespace(), settings.lokiService()));
        out.println("preflight:");
        List<CheckResult> checks = preflight.run(new PreflightContext(settings, bundle, cluster, loki.read(),
                loki.description()), options.skipChecks());
        checks.forEach(this::print);
        List<String> failed = checks.stream().filter(CheckResult::failed).map(CheckResult::name).toList();
        if (!failed.isEmpty()) {
            return finish(settings, bundle, options, started, plan, checks, List.of(), List.of(), false,
                    "preflight failed (" + String.join(", ", failed) + "); nothing was applied", cluster);
        }

        // The one lock for a step that changes something: a second deploy (or retire) on this state dir is refused.
        try (StateLock lock = options.diffOnly() ? null : StateLock.acquire(settings.stateDir(), "migrate deploy")) {
            return applyAndWait(settings, bundle, options, cluster, started, plan, checks);
        }
    }

    private DeployResult applyAndWait(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster,
                                      Instant started, DeployPlan plan, List<CheckResult> checks) {
        out.println(options.diffOnly() ? "diff (server dry-run):" : "apply:");
        ApplyStep.Result applied = new ApplyStep(cluster, out).run(bundle.objects(), options.forceConflicts(),
                options.diffOnly());
        this.applied = applied.changes();
        if (applied.failure().isPresent()) {
            return finish(settings, bundle, options, started, plan, checks, applied.changes(), List.of(), false,
                    applied.failure().get(), cluster);
        }
        if (options.diffOnly()) {
            long changing = applied.changes().stream().filter(ObjectChange::changed).count();
            return finish(settings, bundle, options, started, plan, checks, applied.changes(), List.of(), true,
                    changing == 0 ? "diff: unchanged, the cluster already matches the bundle"
                            : "diff: " + changing + " of " + applied.changes().size() + " objects would change; nothing was changed",
                    cluster);
        }

        List<CheckResult> waits = waitFor(settings, bundle, options, cluster);
        boolean ok = waits.stream().noneMatch(CheckResult::failed);
        String changes = changeSummary(applied.changes());
        String summary = ok ? changes + "; " + waits.size() + " waits passed"
                : changes + "; " + String.join(", ", waits.stream().filter(CheckResult::failed).map(CheckResult::name).toList())
                + " failed";
        return finish(settings, bundle, options, started, plan, checks, applied.changes(), waits, ok, summary, cluster);
    }

    private List<CheckResult> waitFor(Settings settings, Bundle bundle, DeployOptions options, Cluster cluster) {
        out.println("wait:");
        Instant deadline = clock.instant().plus(options.timeout());
        Poller poller = new Poller(clock, sleeper, err);
        List<CheckResult> waits = new ArrayList<>();
        for (ManifestObject o : bundle.objects()) {
            if (o.kind().equals("Deployment")) {
                waits.add(print(new RolloutWaitStep(cluster, poller).run(o.namespace(), o.name(), deadline)));
            }
        }
        for (ManifestObject o : bundle.objects()) {
            if (isLoadBalancer(o)) {
                String name = "vip " + settings.vip();
                // After a definite rollout failure, waiting out the timeout for the VIP only delays the answer.
                waits.add(print(waits.stream().anyMatch(CheckResult::failed)
                        ? CheckResult.skipped(name, "not waited for: the rollout failed first")
                        : new VipWaitStep(cluster, poller, clock).run(o.namespace(), o.name(), settings.vip(), deadline)));
            }
        }
        return waits;
    }

    private static boolean isLoadBalancer(ManifestObject o) {
        return o.kind().equals("Service") && "LoadBalancer".equals(Trees.text(o.body(), "spec", "type"));
    }

    static String changeSummary(List<ObjectChange> changes) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String action : List.of(ObjectChange.CREATED, ObjectChange.CONFIGURED, ObjectChange.UNCHANGED)) {
            counts.put(action, 0);
        }
        changes.forEach(c -> counts.merge(c.action(), 1, Integer::sum));
        if (counts.get(ObjectChange.UNCHANGED) == changes.size()) {
            return "unchanged: all " + changes.size() + " objects already as applied";
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((action, n) -> {
            if (n > 0) {
                parts.add(n + " " + action);
            }
        });
        return "applied " + changes.size() + " objects (" + String.join(", ", parts) + ")";
    }

    private DeployResult finish(Settings settings, Bundle bundle, DeployOptions options, Instant started, DeployPlan plan,
                                List<CheckResult> checks, List<ObjectChange> changes, List<CheckResult> waits,
                                boolean ok, String summary, Cluster cluster) {
        out.println();
        out.println((ok ? "deploy " + (options.diffOnly() ? "diff" : "passed") : "deploy FAILED") + ": " + summary);
        String outcome = ok ? StepRecord.PASSED : StepRecord.FAILED;
        try {
            record(settings, bundle, options, started, plan, changes, outcome, summary, cluster);
        } catch (UserError unrecorded) {
            // The cluster was changed; say exactly what, and how to get it recorded.
            throw new UserError(ExitCodes.FAILED, "deploy " + outcome + " (" + summary + ") but the outcome could not be"
                    + " recorded: " + unrecorded.getMessage() + "; make the state directory writable and run"
                    + " 'migrate deploy' again (an unchanged re-apply records it)", unrecorded);
        }
        return new DeployResult(ok ? ExitCodes.OK : ExitCodes.FAILED, outcome, summary, plan, checks, changes, waits);
    }

    private void record(Settings settings, Bundle bundle, DeployOptions options, Instant started, DeployPlan plan,
                        List<ObjectChange> changes, String outcome, String summary, Cluster cluster) {
        if (!options.diffOnly()) {
            // A diff changes nothing, so it is not a deploy run and must not look like one in `migrate status`.
            Map<String, String> details = new LinkedHashMap<>();
            details.put("context", cluster.context());
            details.put("server", cluster.serverUrl());
            details.put("namespace", settings.namespace());
            details.put("vip", settings.vip());
            details.put("collectorImage", settings.collectorImage());
            details.put("objects", String.join(",", plan.objects()));
            details.put("changed", String.join(",", changes.stream().filter(ObjectChange::changed)
                    .map(c -> c.id() + "=" + c.action()).toList()));
            details.put("unchanged", String.valueOf(changes.stream().filter(c -> !c.changed()).count()));
            details.put("skippedChecks", String.join(",", options.skipChecks().stream().sorted().toList()));
            details.put("forceConflicts", String.valueOf(options.forceConflicts()));
            // What exactly was sent, so `migrate record` can state each object's digest without re-deriving it.
            details.put("objectDigests", String.join(",", bundle.objects().stream().map(o -> o.id() + "=" + o.digest()).toList()));
            new Ledger(settings.stateDir()).append(new StepRecord("deploy", started, clock.instant(), settings.digest(),
                    outcome, summary, "", details));
        }
    }

    private CheckResult print(CheckResult r) {
        String status = r.status() == Status.SKIPPED ? "SKIP" : r.status().name();
        out.printf("  %-4s  %-22s %s%n", status, r.name(), Printable.escape(r.status() == Status.SKIPPED ? r.cause() : r.observed()));
        if (r.status() != Status.PASS && r.status() != Status.SKIPPED) {
            out.println("        cause: " + Printable.escape(r.cause()));
            out.println("        fix:   " + Printable.escape(r.fix()));
        }
        return r;
    }
}
