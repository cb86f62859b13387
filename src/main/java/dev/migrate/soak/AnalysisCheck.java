package dev.migrate.soak;

import java.time.Duration;
import java.util.Locale;

/**
 * One check of the soak's analysis, as declared in checks/soak.yaml (modelled on an Argo Rollouts
 * AnalysisTemplate metric).
 *
 * @param name                  stable id, e.g. collector-up
 * @param kind                  what is measured
 * @param query                 PromQL or LogQL (templates already filled in); for {@link Kind#VERIFY},
 *                              the name of the verify check; empty for the round trip
 * @param success               result condition that makes a measurement pass (null: any data passes)
 * @param failure               result condition that makes a measurement fail (null: never fails on value)
 * @param interval              how often it is measured (a multiple of the soak interval in practice)
 * @param window                the look-back of its query ({{window}}); a LogQL check reads that range
 * @param failureLimit          failed measurements tolerated over the whole soak; one more fails the soak
 * @param consecutiveErrorLimit query errors in a row tolerated (endpoint down); one more fails the soak
 * @param noData                what an empty result means
 * @param chart                 whether its value is charted as round-trip delay or data rate
 * @param optional              a check that never had data all soak long is reported as skipped instead of
 *                              making the soak inconclusive (for metrics a stack may not expose); failures
 *                              always count
 * @param description           one line for reports
 * @param fix                   what the operator should do when it fails
 */
public record AnalysisCheck(String name, Kind kind, String query, Condition success, Condition failure,
                            Duration interval, Duration window, int failureLimit, int consecutiveErrorLimit, NoData noData,
                            Chart chart, boolean optional, String description, String fix) {

    public enum Kind {
        /** A Prometheus instant query. */
        PROMQL,
        /** A Loki metric query (count_over_time ...), read through query_range. */
        LOGQL,
        /** The synthetic OTLP round trip: send, then find it in Prometheus/Loki; value = delay in ms. */
        ROUND_TRIP,
        /** One of verify's checks, by name. */
        VERIFY;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What an empty result (no series, no samples) counts as. Argo crashed on it (#1466); Flagger calls it failure. */
    public enum NoData {
        FAIL, INCONCLUSIVE, PASS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Chart { NONE, ROUND_TRIP, DATA_RATE }
}
