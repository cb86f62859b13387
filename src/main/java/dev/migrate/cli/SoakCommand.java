package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.ledger.Ledger;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.soak.AnalysisCheck;
import dev.migrate.soak.Analyzer;
import dev.migrate.soak.NamedChecks;
import dev.migrate.soak.Progress;
import dev.migrate.soak.RoundTrip;
import dev.migrate.soak.SoakClock;
import dev.migrate.soak.SoakEdges;
import dev.migrate.soak.SoakReports;
import dev.migrate.soak.SoakRunner;
import dev.migrate.soak.SoakSession;
import dev.migrate.soak.SoakState;
import dev.migrate.soak.incluster.InCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** `migrate soak`: the pipeline checks, every interval, for the whole duration, resumable, with a verdict retire trusts. */
@Command(name = "soak", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Re-check the pipeline for 24 h (resumable) and record a verdict.",
        description = {"Re-run the pipeline checks every interval for the whole duration (default 24h every 60s) and "
                + "record a verdict that 'migrate retire' trusts. Resumes from its journal after a sleep, crash or "
                + "reboot; unobserved time is reported as a gap, never counted as healthy.",
                "Checks: checks/soak.yaml (or soak.yaml in the checks-dir setting).",
                "",
                "Examples:",
                "  migrate soak --context homelab",
                "  migrate soak --context homelab --duration 24h --interval 60s",
                "  migrate soak --report"},
        footer = {"", "Files: <state-dir>/soak/journal.jsonl and report.{txt,json,html}.",
                "Exit codes: 0 passed, 1 failed, 2 bad input, 3 inconclusive (e.g. gaps), 4 refused, 130 stopped (resumable)."})
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
        if (i.isZero() || i.compareTo(d) >= 0) {
            throw new UserError("--interval " + Values.format(i) + " must be shorter than --duration " + Values.format(d)
                    + " (and above zero); e.g. --duration 24h --interval 60s");
        }
        if (apply && !inCluster) {
            throw new UserError("--apply only goes with --in-cluster: 'migrate soak --in-cluster --apply'");
        }
        if (count(inCluster, attach, report) > 1) {
            throw new UserError("choose one of --in-cluster, --attach and --report");
        }
        Wiring w = wiring;
        Ledger ledger = new Ledger(settings.stateDir());
        if (!inCluster || apply) {
            ledger.checkWritable(); // before the first request: a soak never starts that cannot keep its journal
        }
        SoakSession session = new SoakSession(ledger);
        AnalysisCatalogue catalogue = AnalysisCatalogue.load(settings);
        PrintStream out = System.out;
        Consumer<String> warn = System.err::println;
        if (inCluster) {
            return InCluster.render(settings, apply, w.cluster(), out);
        }
        if (attach) {
            return InCluster.attach(settings, session, catalogue, w.cluster(), w.clock(), out, warn);
        }
        if (report) {
            SoakState state = session.read(catalogue, warn);
            if (!state.header().catalogueDigest().equals(catalogue.digest()) || !state.header().settingsDigest().equals(settings.digest())) {
                warn.accept("soak: this journal was written with other settings or checks (" + state.header().settingsDigest() + ", "
                        + state.header().catalogue() + "); reporting it as judged by the current checks");
            }
            Instant at = state.end() != null ? state.end().at() : min(w.clock().now(), state.header().deadline());
            return printReport(ledger, session, state, state.verdict(at), out, warn);
        }
        SoakSession.Wanted wanted = new SoakSession.Wanted(catalogue, settings.digest(), d, i, settings.soakMaxGap());
        // Not given: the in-cluster service names, which is what the in-cluster Job uses.
        String prom = url(settings.prometheusUrl().orElse(null), settings.prometheusService(), settings.namespace());
        String loki = url(settings.lokiUrl().orElse(null), settings.lokiService(), settings.namespace());
        SoakEdges edges = w.edges().apply(endpoints, settings);
        PrometheusApi prometheus = needs(catalogue, AnalysisCheck.Kind.PROMQL) || needs(catalogue, AnalysisCheck.Kind.ROUND_TRIP)
                ? edges.prometheus(prom) : null;
        LokiApi lokiApi = needs(catalogue, AnalysisCheck.Kind.LOGQL) ? edges.loki(loki) : null;
        if (prometheus != null) {
            preflight(prometheus, prom, w.clock());
        }
        RoundTrip roundTrip = needs(catalogue, AnalysisCheck.Kind.ROUND_TRIP)
                ? required(edges.roundTrip(settings, url(otlpEndpoint, settings.vip() + ":4318", null), prometheus, lokiApi),
                "the synthetic round trip (verify's OTLP probe)", catalogue) : null;
        NamedChecks verifyChecks = needs(catalogue, AnalysisCheck.Kind.VERIFY)
                ? required(edges.verifyChecks(settings, prometheus, lokiApi), "verify's checks", catalogue) : null;
        SoakSession.Opened opened = session.open(wanted, w.clock().now(), restart, warn, journalStdout ? out::println : null);
        if (opened.mode() == SoakSession.Mode.FINISHED) {
            SoakState state = opened.state();
            out.println("this soak already ended (" + state.end().outcome() + " at " + state.end().at()
                    + "); start a new one with 'migrate soak --restart'");
            return printReport(ledger, session, state, state.verdict(state.end().at()), out, warn);
        }
        SoakState state = opened.state();
        if (opened.mode() == SoakSession.Mode.RESUMED) {
            Duration gap = state.coverageAt(w.clock().now()).gapTotal();
            out.println("resuming the soak started " + state.header().started() + " (" + state.cycles() + " cycles so far"
                    + (gap.isZero() ? "" : "; unobserved so far: " + Values.format(Duration.ofSeconds(gap.getSeconds()))) + ")");
        } else {
            out.println("soak started " + state.header().started() + ": " + Values.format(d) + " every " + Values.format(i)
                    + ", " + catalogue.checks().size() + " checks from " + catalogue.origin() + "; journal " + session.journalFile());
        }
        Analyzer analyzer = new Analyzer(prometheus, lokiApi, roundTrip, verifyChecks);
        Progress progress = journalStdout ? Progress.none() : Progress.forConsole(out, Duration.ofMinutes(10));
        SoakRunner runner = new SoakRunner(catalogue, analyzer, opened.journal(), state, w.clock(), progress);

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            // SIGINT/SIGTERM: let the cycle in flight be dropped or finished, then the journal is consistent.
            stop.set(true);
            main.interrupt();
            try {
                done.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "soak-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            SoakRunner.Ending ending = runner.run(stop::get);
            Thread.interrupted(); // clear a stop's interrupt before writing files
            Instant now = w.clock().now();
            SoakState.Verdict verdict = state.verdict(min(now, state.header().deadline()));
            if (ending == SoakRunner.Ending.STOPPED) {
                session.record(opened, verdict, ending, now, "");
                opened.journal().close();
                out.println("soak stopped after " + state.cycles() + " cycles; the journal is consistent ("
                        + session.journalFile() + ")");
                out.println("resume with: " + resumeCommand());
                return ExitCodes.INTERRUPTED;
            }
            SoakReports.Written written = SoakReports.write(ledger, session.journalFile(), state, verdict, warn);
            session.record(opened, verdict, ending, now, written.html().toString());
            opened.journal().close();
            out.print(written.text());
            out.println("report: " + written.html());
            // In the cluster (Job, restartPolicy OnFailure) a non-zero exit would restart a soak that has
            // already decided; the verdict travels in the journal on stdout, which --attach reads.
            return journalStdout ? ExitCodes.OK : verdict.outcome().exitCode();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it only waits for `done`
            }
        }
    }

    private int printReport(Ledger ledger, SoakSession session, SoakState state, SoakState.Verdict v, PrintStream out,
                            Consumer<String> warn) {
        SoakReports.Written written = SoakReports.write(ledger, session.journalFile(), state, v, warn);
        out.print(written.text());
        out.println("report: " + written.html());
        return v.outcome().exitCode();
    }

    /** One query before anything is written: a wrong URL is bad input, not 24 hours of errors. */
    private static void preflight(PrometheusApi prometheus, String url, SoakClock clock) {
        try {
            prometheus.query("vector(1)", clock.now());
        } catch (EndpointException e) {
            throw new UserError("Prometheus at " + url + " did not answer (" + e.kind() + ": " + e.getMessage()
                    + "); give the right --prometheus-url (e.g. through 'kubectl port-forward') or run it in the cluster with --in-cluster");
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

    /** An explicit URL, or the in-cluster DNS name of service:port in the namespace. */
    static String url(String explicit, String servicePort, String namespace) {
        if (explicit != null) {
            return explicit;
        }
        if (namespace == null) {
            return "http://" + servicePort;
        }
        String[] sp = servicePort.split(":", 2);
        return "http://" + sp[0] + "." + namespace + ".svc" + (sp.length > 1 ? ":" + sp[1] : "");
    }

    /** An edge the checks need but this build cannot provide: said before anything starts, not 5 errors later. */
    private static <T> T required(T edge, String what, AnalysisCatalogue c) {
        if (edge == null) {
            throw new UserError(c.origin() + " uses " + what + ", which this build does not provide; remove those checks"
                    + " from your own soak.yaml (setting checks-dir) or use a build that has it");
        }
        return edge;
    }

    private static boolean needs(AnalysisCatalogue c, AnalysisCheck.Kind kind) {
        return c.checks().stream().anyMatch(x -> x.kind() == kind);
    }

    private static int count(boolean... flags) {
        int n = 0;
        for (boolean f : flags) {
            n += f ? 1 : 0;
        }
        return n;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
