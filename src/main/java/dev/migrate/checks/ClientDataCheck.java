package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi;

import java.util.ArrayList;
import java.util.List;

/**
 * kind client-data: recent real Claude Code data (cost and session series updated in the window).
 * None at all is inconclusive (nobody ran a session), not a failure. Fields: {@code series}.
 */
final class ClientDataCheck extends SpecCheck {
    ClientDataCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        PrometheusApi prom = ctx.prometheus();
        List<String> names = spec.list("series");
        if (names.isEmpty()) {
            throw spec.bad("series", "must list at least one metric name");
        }
        String range = window(ctx);
        List<String> seen = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String name : names) {
            List<PrometheusApi.Sample> r = prom.query("count(last_over_time(" + name + "[" + range + "]))", now(ctx));
            double n = r.isEmpty() ? 0 : r.get(0).value();
            if (n > 0) {
                seen.add(name + ": " + (long) n + " series");
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
