package dev.migrate.cli;

import dev.migrate.UserError;
import dev.migrate.io.SignalGuard;
import dev.migrate.ledger.Ledger;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.soak.LocalSoak;
import dev.migrate.soak.SoakClock;
import dev.migrate.soak.SoakEdges;
import dev.migrate.soak.SoakSession;
import dev.migrate.soak.incluster.InCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * `migrate soak`: the pipeline checks, every interval, for the whole duration, resumable, with a verdict retire
 * trusts. This class parses and dispatches; the modes live in soak/ ({@link LocalSoak}: run and --report;
 * {@link InCluster}: --in-cluster and --attach).
 */
@Command(name = "soak", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Re-check the pipeline for 24 h (resumable) and record a verdict.",
        description = {"Re-run the pipeline checks every interval for the whole duration (default 24h every 60s) and "
                + "record a verdict that 'migrate retire' trusts. Resumes from its journal after a sleep, crash or "
                + "reboot; unobserved time is reported as a gap, never counted as healthy.",
                "Checks: checks/soak.yaml (or soak.yaml in the checks-dir setting).",
                "",
                "Examples:",
                "",
                "  migrate soak --context homelab",
                "  migrate soak --context homelab --duration 24h --interval 60s",
                "  migrate soak --report"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:passed", "1:failed", "2:bad input", "3:inconclusive (e.g. gaps)", "4:refused",
                "130:stopped (resumable)"},
        footerHeading = "%nFiles:%n",
        footer = {"<state-dir>/soak/journal.jsonl and report.{txt,json,html}."})
public final class SoakCommand implements java.util.concurrent.Callable<Integer> {

    /**
     * What the command reaches the world through; the defaults are the real edges, tests swap them.
     *
     * @param edges builds the endpoints from this run's endpoint options and settings
     */
    public record Wiring(SoakClock clock, BiFunction<EndpointOptions, Settings, SoakEdges> edges, InCluster.Connector cluster) {
        /** The real edges (docs/soak.md, "Edges (wiring)"). */
        public static final Wiring REAL = new Wiring(SoakClock.system(), DefaultSoakEdges::new, InCluster.FABRIC8);
    }

    private final Wiring wiring;

    public SoakCommand() {
        this(Wiring.REAL);
    }

    /** With other edges: tests, with a simulated clock and doubles of Prometheus, Loki and the cluster. */
    public SoakCommand(Wiring wiring) {
        this.wiring = wiring;
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    EndpointOptions endpoints;

    @Option(names = "--duration", paramLabel = "DURATION", description = "How long to observe, e.g. 24h (default: soak-duration, 24h).")
    String duration;
    @Option(names = "--interval", paramLabel = "DURATION", description = "Time between cycles, e.g. 60s (default: soak-interval, 60s).")
    String interval;
    @Option(names = "--max-gap", paramLabel = "DURATION",
            description = "Total unobserved time (sleep, crash, reboot) still allowed for a pass (default: soak-max-gap, 5m).")
    String maxGap;
    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Where the synthetic probe sends OTLP (default: http://<vip>:4318).")
    String otlpEndpoint;
    @Option(names = "--restart", description = "Archive the existing journal and start a new soak from zero.")
    boolean restart;
    @Option(names = "--report", description = "Write and print the report of the current (or finished) soak, without running cycles.")
    boolean report;
    @Option(names = "--in-cluster", description = "Render a Kubernetes Job (+ PVC, ConfigMap) that runs this soak inside the cluster; prints it.")
    boolean inCluster;
    @Option(names = "--apply", description = "With --in-cluster: create those objects in the cluster.")
    boolean apply;
    @Option(names = "--attach", description = "Follow the in-cluster soak's journal: progress, then its verdict into the local ledger.")
    boolean attach;
    @Option(names = "--journal-stdout", hidden = true, description = "Print every journal record to stdout (the in-cluster Job uses it).")
    boolean journalStdout;

    @Override
    public Integer call() {
        Settings settings = settingsOptions.load(kube, endpoints, this::flags);
        Duration d = settings.soakDuration();
        Duration i = settings.soakInterval();
        // Named by where each value came from (a flag, migrate.yaml, MIGRATE_SOAK_*), as the settings loader does.
        String iName = EndpointOptions.source(settings, "soak-interval", "--interval");
        String dName = EndpointOptions.source(settings, "soak-duration", "--duration");
        if (i.compareTo(Duration.ofSeconds(1)) < 0) {
            // The grid, the coverage and the progress work in whole seconds: 1ms divided by zero.
            throw new UserError(iName + " " + Values.format(i) + " is shorter than 1s: a soak measures at most once a second;"
                    + " e.g. --interval 60s");
        }
        if (i.compareTo(d) >= 0) {
            throw new UserError(iName + " " + Values.format(i) + " must be shorter than " + dName + " " + Values.format(d)
                    + " (and above zero); e.g. --duration 24h --interval 60s");
        }
        if (apply && !inCluster) {
            throw new UserError("--apply only goes with --in-cluster: 'migrate soak --in-cluster --apply'");
        }
        if (count(inCluster, attach, report) > 1) {
            throw new UserError("choose one of --in-cluster, --attach and --report");
        }
        Ledger ledger = new Ledger(settings.stateDir());
        if (!inCluster || apply) {
            ledger.checkWritable(); // before the first request: a soak never starts that cannot keep its journal
        }
        SoakSession session = new SoakSession(ledger);
        if (!inCluster && !attach && !report) {
            dev.migrate.soak.SoakReports.checkTargets(ledger);
        }
        AnalysisCatalogue catalogue = AnalysisCatalogue.load(settings);
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> warn = spec.commandLine().getErr()::println;
        if (inCluster) {
            return InCluster.render(settings, apply, wiring.cluster(), out);
        }
        if (attach) {
            return InCluster.attach(settings, session, catalogue, wiring.cluster(), wiring.clock(), out, warn);
        }
        LocalSoak soak = new LocalSoak(settings, session, catalogue, wiring.clock(), out, warn);
        if (report) {
            return soak.report();
        }
        // SIGINT/SIGTERM: the cycle in flight is dropped or finished, so the journal stays consistent.
        try (SignalGuard stop = SignalGuard.install("soak")) {
            return soak.run(wiring.edges().apply(endpoints, settings),
                    new LocalSoak.Options(otlpEndpoint, restart, journalStdout, resumeCommand()), stop::stopRequested);
        }
    }

    private String resumeCommand() {
        List<String> args = new ArrayList<>(List.of("migrate", "soak"));
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        for (String a : original.subList(original.indexOf("soak") + 1, original.size())) {
            if (!a.equals("--restart")) {
                args.add(a.contains(" ") ? "'" + a + "'" : a);
            }
        }
        return String.join(" ", args);
    }

    private void flags(Map<String, String> flags) {
        put(flags, "soak-duration", "--duration", duration);
        put(flags, "soak-interval", "--interval", interval);
        put(flags, "soak-max-gap", "--max-gap", maxGap);
    }

    private static void put(Map<String, String> flags, String key, String flag, String raw) {
        if (raw == null) {
            return;
        }
        Values.positiveDuration(flag, raw);
        flags.put(key, raw);
    }

    private static int count(boolean... flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }
}
