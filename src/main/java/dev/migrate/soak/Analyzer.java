package dev.migrate.soak;

import dev.migrate.checks.CheckResult;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.soak.Measurement.Result;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Measures one check once. Reading is done through the endpoint interfaces; deciding is
 * {@link #decide}, a pure function, so the conditions are tested without any server:
 * <ul>
 * <li>no samples: the check's {@code noData} rule;</li>
 * <li>any sample meets the failure condition: fail (the value and labels of that sample are kept);</li>
 * <li>every sample meets the success condition (or there is none): pass;</li>
 * <li>otherwise inconclusive, as in Argo Rollouts.</li>
 * </ul>
 * A query that cannot be answered is an error, which only {@code consecutiveErrorLimit} judges.
 */
public final class Analyzer {
    private final PrometheusApi prometheus;
    private final LokiApi loki;
    private final RoundTrip roundTrip;
    private final NamedChecks verify;

    /** Any of them may be null when no check needs it; a check that does then errors, saying which. */
    public Analyzer(PrometheusApi prometheus, LokiApi loki, RoundTrip roundTrip, NamedChecks verify) {
        this.prometheus = prometheus;
        this.loki = loki;
        this.roundTrip = roundTrip;
        this.verify = verify;
    }

    /** A labelled value read from an endpoint. */
    public record Sample(Map<String, String> labels, double value) {
    }

    public Measurement measure(AnalysisCheck check, Instant at) {
        try {
            return switch (check.kind()) {
                case PROMQL -> decide(check, promql(check, at), "");
                case LOGQL -> decide(check, logql(check, at), "");
                case ROUND_TRIP -> roundTrip(check);
                case VERIFY -> verify(check);
            };
        } catch (EndpointException e) {
            return new Measurement(check.name(), Result.ERROR, null,
                    e.kind().name().toLowerCase(java.util.Locale.ROOT) + " from " + e.endpoint() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return new Measurement(check.name(), Result.ERROR, null, String.valueOf(e.getMessage()));
        }
    }

    private List<Sample> promql(AnalysisCheck check, Instant at) {
        List<Sample> out = new ArrayList<>();
        for (PrometheusApi.Sample s : need(prometheus, "Prometheus (--prometheus-url)").query(check.query(), at)) {
            out.add(new Sample(s.labels(), s.value()));
        }
        return out;
    }

    /**
     * A metric LogQL query read as the last point of the range [now - window, now] with step = window
     * (query_range, as instant log queries answer 400 since Loki 3.2).
     */
    private List<Sample> logql(AnalysisCheck check, Instant at) {
        Duration step = check.window();
        List<Sample> out = new ArrayList<>();
        for (PrometheusApi.Series s : need(loki, "Loki (--loki-url)").metricRange(check.query(), at.minus(step), at, step)) {
            if (!s.points().isEmpty()) {
                out.add(new Sample(s.labels(), s.points().get(s.points().size() - 1).value()));
            }
        }
        return out;
    }

    private Measurement roundTrip(AnalysisCheck check) {
        RoundTrip.Result r = need(roundTrip, "the synthetic probe (--otlp-endpoint)").send();
        if (!r.delivered()) {
            // Lost data is "no data" to the conditions; the detail says where it got lost.
            Measurement m = decide(check, List.of(), "");
            return new Measurement(m.check(), m.status(), null, "not delivered: " + r.detail());
        }
        return decide(check, List.of(new Sample(Map.of(), r.delay().toMillis())), r.detail());
    }

    private Measurement verify(AnalysisCheck check) {
        Optional<CheckResult> found = need(verify, "verify's checks").run(check.query());
        if (found.isEmpty()) {
            return new Measurement(check.name(), Result.ERROR, null, "verify has no check named " + check.query());
        }
        CheckResult r = found.get();
        return switch (r.status()) {
            case PASS -> new Measurement(check.name(), Result.PASS, 1.0, r.observed());
            case FAIL -> new Measurement(check.name(), Result.FAIL, 0.0, r.observed() + (r.cause().isEmpty() ? "" : "; " + r.cause()));
            default -> noData(check, r.observed() + " " + r.cause());
        };
    }

    /** The pure decision: samples in, one measurement out. */
    public static Measurement decide(AnalysisCheck check, List<Sample> samples, String passNote) {
        if (samples.isEmpty()) {
            return noData(check, "");
        }
        if (check.failure() != null) {
            for (Sample s : samples) {
                if (check.failure().test(s.value())) {
                    return new Measurement(check.name(), Result.FAIL, s.value(),
                            describe(s) + " meets failure condition " + check.failure().text());
                }
            }
        }
        Condition ok = check.success();
        for (Sample s : samples) {
            if (ok != null && !ok.test(s.value())) {
                return new Measurement(check.name(), Result.INCONCLUSIVE, s.value(),
                        describe(s) + " does not meet " + ok.text());
            }
        }
        return new Measurement(check.name(), Result.PASS, samples.get(0).value(), passNote);
    }

    private static Measurement noData(AnalysisCheck check, String seen) {
        Result r = switch (check.noData()) {
            case FAIL -> Result.FAIL;
            case PASS -> Result.PASS;
            case INCONCLUSIVE -> Result.INCONCLUSIVE;
        };
        return new Measurement(check.name(), r, null, ("no data " + seen).strip());
    }

    private static String describe(Sample s) {
        String labels = s.labels().isEmpty() ? "" : new TreeMap<>(s.labels()).toString().replace('=', ':');
        return (labels.isEmpty() ? "result" : labels) + " = " + format(s.value());
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    private static <T> T need(T edge, String what) {
        if (edge == null) {
            throw new IllegalStateException(what + " is not configured");
        }
        return edge;
    }
}
