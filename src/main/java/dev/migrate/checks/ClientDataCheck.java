package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi;

import java.util.ArrayList;
import java.util.List;

/**
 * kind client-data: recent real Claude Code data (cost and session series in the window, counted as
 * distinct session_id values through the label-values API).
 * None at all is inconclusive (nobody ran a session), not a failure. Fields: {@code series}.
 */
final class ClientDataCheck extends SpecCheck {
    ClientDataCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        PrometheusApi prom = ctx.prometheus();
        List<String> names = spec.nonEmptyList("series", "metric name");
        String range = window(ctx);
        List<String> seen = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        java.time.Instant end = now(ctx);
        java.time.Instant start = end.minus(ctx.since());
        for (String name : names) {
            // Label values read only the index, never samples: cheap even with 100,000 series in the window.
            int sessions = prom.labelValues("session_id", name, start, end).size();
            if (sessions > 0) {
                seen.add(name + ": " + sessions + " session(s)");
            } else if (!prom.labelValues("__name__", name, start, end).isEmpty()) {
                seen.add(name + ": present (no session_id label: OTEL_METRICS_INCLUDE_SESSION_ID=false?)");
            } else {
                absent.add(name);
            }
        }
        String observed = "in the last " + range + ": " + (seen.isEmpty() ? "no series" : String.join(", ", seen))
                + (absent.isEmpty() ? "" : "; none of " + String.join(", ", absent));
        if (seen.isEmpty()) {
            return inconclusive(observed, "no Claude Code session sent data in the last " + range,
                    "run a Claude Code session with these settings: 'migrate client-env --machine-name NAME' (then eval its"
                            + " output), wait one export interval, and run verify again");
        }
        if (!absent.isEmpty()) {
            return fail(observed, "some Claude Code series arrive and others do not (a client version that exports only"
                            + " some metrics, anthropics/claude-code #52353, or a collector filter)",
                    "check the client's version and its OTEL_* settings ('migrate client-env'), and the collector's processors");
        }
        return pass(observed);
    }
}
