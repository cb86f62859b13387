package dev.migrate.soak;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The soak on this machine: {@link #run} starts or resumes it and ends with the verdict, {@link #report}
 * renders the verdict of the journal that is there. {@link dev.migrate.soak.incluster.InCluster} is the
 * same soak as a Job in the cluster.
 */
public final class LocalSoak {
    private final Settings settings;
    private final SoakSession session;
    private final AnalysisCatalogue catalogue;
    private final SoakClock clock;
    private final PrintWriter out;
    private final Consumer<String> warn;

    public LocalSoak(Settings settings, SoakSession session, AnalysisCatalogue catalogue, SoakClock clock, PrintWriter out,
                     Consumer<String> warn) {
        this.settings = settings;
        this.session = session;
        this.catalogue = catalogue;
        this.clock = clock;
        this.out = out;
        this.warn = warn;
    }

    /**
     * How this run was asked for.
     *
     * @param otlpEndpoint  where the synthetic probe sends OTLP; null: the VIP's port 4318
     * @param restart       archive the journal and start from zero
     * @param journalStdout echo every journal record on stdout (the in-cluster Job), and exit 0 once decided
     * @param resumeCommand the command that resumes this soak, for the message when it is stopped
     */
    public record Options(String otlpEndpoint, boolean restart, boolean journalStdout, String resumeCommand) {
    }

    /**
     * The report of the journal as it stands, judged by its own duration, interval and maximum gap:
     * the flags of the run that wrote it need not be repeated.
     */
    public int report() {
        SoakState state = session.read(catalogue, warn);
        JournalHeader h = state.header();
        // The journal's own soak settings, so only a change of something else (VIP, namespace, ...) is reported.
        String digest = settings.with(Map.of(SettingKeys.SOAK_DURATION.name(), Values.format(h.duration()),
                SettingKeys.SOAK_INTERVAL.name(), Values.format(h.interval()),
                SettingKeys.SOAK_MAX_GAP.name(), Values.format(h.maxGap()))).digest();
        if (!h.settingsDigest().equals(digest)) {
            warn.accept("soak: this journal was written with other settings (" + h.settingsDigest() + ", now " + digest
                    + "); retire trusts a soak only of the settings it retires with");
        }
        if (!h.catalogueDigest().equals(catalogue.digest())) {
            warn.accept("soak: this journal was written with other checks (" + h.catalogue() + "); reporting it as judged"
                    + " by the current checks");
        }
        Instant at = state.end() != null ? state.end().at() : min(clock.now(), h.deadline());
        return printReport(state, state.verdict(at));
    }

    /** Starts or resumes the soak and runs it to its verdict, or until {@code stopRequested} (SIGINT). */
    public int run(SoakEdges edges, Options o, BooleanSupplier stopRequested) {
        Duration d = settings.soakDuration();
        Duration i = settings.soakInterval();
        SoakSession.Wanted wanted = new SoakSession.Wanted(catalogue, settings.digest(), d, i, settings.soakMaxGap());
        // Not given: the in-cluster service names, which is what the in-cluster Job uses.
        String prom = url(settings.prometheusUrl().orElse(null), settings.prometheusService(), settings.namespace());
        String loki = url(settings.lokiUrl().orElse(null), settings.lokiService(), settings.namespace());
        PrometheusApi prometheus = needs(AnalysisCheck.Kind.PROMQL) || needs(AnalysisCheck.Kind.ROUND_TRIP)
                ? edges.prometheus(prom) : null;
        LokiApi lokiApi = needs(AnalysisCheck.Kind.LOGQL) ? edges.loki(loki) : null;
        if (prometheus != null) {
            preflight(prometheus, prom);
        }
        RoundTrip roundTrip = needs(AnalysisCheck.Kind.ROUND_TRIP)
                ? required(edges.roundTrip(settings, url(o.otlpEndpoint(), settings.vip() + ":4318", null), prometheus, lokiApi),
                "the synthetic round trip (verify's OTLP probe)") : null;
        NamedChecks verifyChecks = needs(AnalysisCheck.Kind.VERIFY)
                ? required(edges.verifyChecks(settings, prometheus, lokiApi), "verify's checks") : null;
        SoakSession.Opened opened = session.open(wanted, clock.now(), o.restart(), warn, o.journalStdout() ? out::println : null);
        SoakState state = opened.state();
        if (opened.mode() == SoakSession.Mode.FINISHED) {
            out.println("this soak already ended (" + state.end().outcome() + " at " + Progress.time(state.end().at())
                    + "); start a new one with 'migrate soak --restart'");
            return printReport(state, state.verdict(state.end().at()));
        }
        if (opened.mode() == SoakSession.Mode.RESUMED) {
            Duration gap = state.coverageAt(clock.now()).gapTotal();
            out.println("resuming the soak started " + Progress.time(state.header().started()) + " (" + state.cycles() + " cycles so far"
                    + (gap.isZero() ? "" : "; unobserved so far: " + Values.format(Duration.ofSeconds(gap.getSeconds()))) + ")");
        } else {
            out.println("soak started " + Progress.time(state.header().started()) + ": " + Values.format(d) + " every " + Values.format(i)
                    + ", " + catalogue.checks().size() + " checks from " + catalogue.origin() + "; journal " + session.journalFile());
        }
        Analyzer analyzer = new Analyzer(prometheus, lokiApi, roundTrip, verifyChecks);
        Progress progress = o.journalStdout() ? Progress.none() : Progress.forConsole(out, Duration.ofMinutes(10));
        SoakRunner.Ending ending = new SoakRunner(catalogue, analyzer, opened.journal(), state, clock, progress)
                .run(stopRequested);
        Thread.interrupted(); // clear a stop's interrupt before writing files
        Instant now = clock.now();
        SoakState.Verdict verdict = state.verdict(min(now, state.header().deadline()));
        if (ending == SoakRunner.Ending.STOPPED) {
            session.record(opened, verdict, ending, now, "");
            opened.journal().close();
            out.println("soak stopped after " + state.cycles() + " cycles; the journal is consistent ("
                    + session.journalFile() + ")");
            out.println("resume with: " + o.resumeCommand());
            return ExitCodes.INTERRUPTED;
        }
        // The verdict reaches the ledger first: reports that cannot be written (a full disk) must not lose it.
        session.record(opened, verdict, ending, now, SoakReports.htmlPath(session.ledger()).toString());
        opened.journal().close();
        SoakReports.Written written;
        try {
            written = SoakReports.write(session.ledger(), session.journalFile(), state, verdict, warn);
        } catch (dev.migrate.UserError e) {
            throw new dev.migrate.UserError(ExitCodes.FAILED, e.getMessage() + " (the soak's verdict, "
                    + verdict.outcome().label() + ", is in the ledger)");
        }
        out.print(written.text());
        out.println("report: " + written.html());
        // In the cluster (Job, restartPolicy OnFailure) a non-zero exit would restart a soak that has
        // already decided; the verdict travels in the journal on stdout, which --attach reads.
        return o.journalStdout() ? ExitCodes.OK : verdict.outcome().exitCode();
    }

    private int printReport(SoakState state, SoakState.Verdict v) {
        SoakReports.Written written = SoakReports.write(session.ledger(), session.journalFile(), state, v, warn);
        out.print(written.text());
        out.println("report: " + written.html());
        return v.outcome().exitCode();
    }

    /** One query before anything is written: a wrong URL is bad input, not 24 hours of errors. */
    private void preflight(PrometheusApi prometheus, String url) {
        try {
            prometheus.query("vector(1)", clock.now());
        } catch (EndpointException e) {
            // Without --prometheus-url the laptop goes through the API server's service proxy: name that, not a DNS name it never used.
            String where = prometheus instanceof dev.migrate.endpoints.PrometheusHttp http ? http.endpoint().baseUrl().replaceAll("/$", "") : url;
            boolean proxied = !where.equals(url) && where.contains("/proxy");
            throw new UserError("Prometheus at " + where + (proxied ? " (the API server's service proxy)" : "") + " did not answer ("
                    + e.kind() + ": " + e.getMessage() + "); " + (proxied
                    ? "check that the service exists in " + settings.namespace() + " (setting prometheus-service) and that the"
                    + " context may get services/proxy there, or give --prometheus-url"
                    : "give the right --prometheus-url (e.g. through 'kubectl port-forward')") + ", or run it in the cluster with --in-cluster");
        }
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
    private <T> T required(T edge, String what) {
        if (edge == null) {
            throw new UserError(catalogue.origin() + " uses " + what + ", which this build does not provide; remove those checks"
                    + " from your own soak.yaml (setting checks-dir) or use a build that has it");
        }
        return edge;
    }

    private boolean needs(AnalysisCheck.Kind kind) {
        return catalogue.checks().stream().anyMatch(x -> x.kind() == kind);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
