package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundlePlan;
import dev.migrate.bundle.ManifestFiles;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.data.OutputDirectory;
import dev.migrate.bundle.Prepared;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.preflight.Preflight;
import dev.migrate.deploy.DeployFlags;
import dev.migrate.deploy.DeployOptions;
import dev.migrate.deploy.DeployResult;
import dev.migrate.deploy.DeployRunner;
import dev.migrate.deploy.Sleeper;
import dev.migrate.io.ProgressSink;
import dev.migrate.io.SignalGuard;
import dev.migrate.ledger.Ledger;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * `migrate deploy`: renders collector/ + manifests/ with the effective settings and validates the
 * bundle offline; with --dry-run it prints that plan and stops (no network at all). Otherwise the
 * same validated bundle goes to {@link DeployRunner}: preflight, server-side apply, rollout and VIP
 * waits, ledger record. A bundle that fails any rule is never applied.
 */
@Command(name = "deploy", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Preflight the cluster, apply the collector and manifests, wait for rollout and VIP.",
        description = {"Render the collector, its Service, ServiceMonitor, alert rules and Grafana dashboard, "
                + "validate them offline, then (without --dry-run) preflight the cluster, apply them with "
                + "server-side apply and wait until the collector is rolled out and the VIP is announced.",
                "",
                "Examples:",
                "",
                "  migrate deploy --dry-run",
                "  migrate deploy --dry-run --vip 10.10.30.23 --trusted-cidr 10.10.0.0/16 -o json",
                "  migrate deploy --dry-run --collector-config my-collector.yaml --show-manifests",
                "  migrate deploy --dry-run --out ~/homelab/manifests/monitoring",
                "  migrate deploy --context homelab --diff",
                "  migrate deploy --context homelab --kubeconfig ~/.kube/homelab.yaml --timeout 10m"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:applied (or unchanged) and rolled out / every rule passed",
                "1:a rule, preflight check, apply or wait failed",
                "2:bad input (flags, settings, kubeconfig, unreadable or malformed files)",
                "4:refused: another migrate step holds the state directory",
                "130:interrupted: run it again"})
public final class DeployCommand implements Callable<Integer> {
    /** How the command reaches the cluster named by the settings. */
    private final Function<Settings, Cluster> connect;

    public DeployCommand() {
        this(ClusterFactory::connect);
    }

    /** With another way to the cluster: tests that cut a real cluster's calls short at an exact moment. */
    public DeployCommand(Function<Settings, Cluster> connect) {
        this.connect = connect;
    }

    @Option(names = "--dry-run",
            description = "Render and validate the bundle and print the plan; touch no cluster and no network.")
    boolean dryRun;

    @Option(names = "--out", paramLabel = "DIR",
            description = "With --dry-run: also write the manifests into DIR as files for git (otel-collector.yaml,"
                    + " claude-alerts.yaml ... and a kustomization.yaml) for kubectl apply -k, Flux or Argo CD.")
    Path out;

    @Option(names = "--force",
            description = "With --out: replace (or remove, when no longer in the bundle) files there that were changed"
                    + " by hand; each is kept as <file>.edited.")
    boolean force;

    @Option(names = "--show-manifests",
            description = "Also print every rendered object in full (YAML in text output, under \"manifests\" in JSON).")
    boolean showManifests;

    @Spec
    CommandSpec spec;
    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    OutputOptions output;
    @Mixin
    BundleOptions bundleOptions;
    @Mixin
    DeployFlags deployFlags;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load(kube, bundleOptions);
        DeployOptions options = deployFlags.toOptions(); // flags checked before any file or network is read
        Preflight.standard().validateSkips(options.skipChecks()); // an unknown name is an error, dry-run or not
        if (dryRun && options.diffOnly()) {
            throw new UserError("--diff asks the cluster what would change and --dry-run touches no cluster: use one of them");
        }
        if (out == null && force) {
            throw new UserError("--force replaces hand-edited files in --out DIR: give --dry-run --out DIR with it");
        }
        // --out writes files for git and applies nothing: deploy applies from the same render in memory,
        // so a run that both wrote and applied would be two results with one exit code.
        if (out != null && !dryRun) {
            throw new UserError("--out writes the manifests as files and applies nothing: add --dry-run (then apply the"
                    + " directory with kubectl apply -k, Flux or Argo CD, or run migrate deploy without --out)");
        }
        OutputDirectory outDir = out == null ? null : OutputDirectory.check(out, settings.stateDir(), "--out").tracked();
        Prepared prepared = Prepared.of(settings);
        BundlePlan plan = prepared.plan();
        List<CheckResult> failures = plan.failures();
        ManifestFiles.Target files = outDir == null ? null
                : ManifestFiles.forTarget(ManifestFiles.of(prepared.bundle(), ManifestFiles.DEPLOY_OUT), outDir, force);
        if (dryRun || !failures.isEmpty()) {
            print(plan, prepared.bundle());
        }
        BundlePlan.throwIfFailed(plan.rules(), dryRun ? (outDir == null ? "" : " (nothing was written)") : " (nothing was applied)");
        if (dryRun) {
            if (outDir != null) {
                List<Path> written = outDir.write(files.files(), files.stale());
                PrintWriter to = output.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
                written.forEach(p -> to.println("wrote " + p));
                files.stale().forEach(p -> to.println("removed " + outDir.dir().resolve(p) + " (written by an earlier --out, no longer in the bundle)"));
                to.println("apply them with: kubectl apply --server-side --field-manager=migrate -k " + outDir.dir());
            }
            return ExitCodes.OK;
        }
        if (!options.diffOnly()) {
            // Before the first call to the API server: a cluster is never changed by a run that cannot record it.
            new Ledger(settings.stateDir()).checkWritable();
        }
        // The kubeconfig is read (and fabric8 configured, lazily: nothing is sent) before anything is printed.
        try (SignalGuard interrupts = SignalGuard.install("deploy");
             Cluster cluster = connect.apply(settings)) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            // In JSON mode the runner's story is dropped and the result is printed as one document.
            ProgressSink progress = output.json() ? ProgressSink.of(null, err) : ProgressSink.of(out, err);
            if (!output.json()) {
                out.println("bundle: " + plan.steps().size() + " objects, all " + plan.rules().size()
                        + " offline rules passed (" + plan.bundleDigest() + ")");
            }
            DeployResult result;
            try {
                result = new DeployRunner(Clock.systemUTC(), Sleeper.SYSTEM, progress)
                        .run(settings, prepared.bundle(), options, cluster);
            } catch (DeployRunner.Stopped stopped) {
                // Cut short: the document still says what was applied (the text story said it line by line),
                // then Main prints the one error line. Bad input (credentials that cannot load) prints no document.
                if (output.json() && stopped.exitCode() != ExitCodes.USAGE) {
                    out.println(Json.MAPPER.writeValueAsString(stopped.result()));
                }
                throw stopped;
            }
            if (output.json()) {
                out.println(Json.MAPPER.writeValueAsString(result));
            }
            return result.exitCode();
        }
    }

    private void print(BundlePlan plan, Bundle bundle) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = plan.toJson();
            if (showManifests) {
                List<Map<String, Object>> bodies = new ArrayList<>();
                bundle.objects().forEach(o -> bodies.add(o.body()));
                doc.put("manifests", bodies);
            }
            out.println(Json.MAPPER.writeValueAsString(doc));
            return;
        }
        out.print(plan.toText());
        if (showManifests) {
            for (ManifestObject o : bundle.objects()) {
                out.println("---");
                out.print(Json.YAML.writeValueAsString(o.body()));
            }
        }
    }
}
