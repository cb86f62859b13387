package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * kind metric-names: the exact Prometheus names of Claude Code's metrics seen in the window, via
 * label values of {@code __name__} with a {@code match[]} selector (never all names). Fields:
 * {@code match} (regex), {@code required}, {@code optional} (names with suffixes),
 * {@code flagServiceNames} (values of exported_job/service_name to report, e.g. claude-code-desktop).
 */
final class MetricNamesCheck extends SpecCheck {
    /** The unit and type suffixes the collector's prometheus exporter adds (add_metric_suffixes: true). */
    static final List<String> SUFFIXES = List.of("_total", "_USD", "_tokens", "_seconds");

    MetricNamesCheck(CheckSpec spec) {
        super(spec);
    }

    static String unsuffixed(String name) {
        String out = name;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String s : SUFFIXES) {
                if (out.endsWith(s)) {
                    out = out.substring(0, out.length() - s.length());
                    changed = true;
                }
            }
        }
        return out;
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        PrometheusApi prom = ctx.prometheus();
        String regex = spec.text("match", "claude_code_.+");
        String selector = "{__name__=~\"" + regex + "\"}";
        Instant end = now(ctx);
        Instant start = end.minus(ctx.since());
        Set<String> found = new LinkedHashSet<>(prom.labelValues("__name__", selector, start, end));
        List<String> required = spec.list("required");
        List<String> optional = spec.list("optional");

        List<String> missing = new ArrayList<>();
        List<String> unsuffixedOnly = new ArrayList<>();
        for (String name : required) {
            if (!found.contains(name)) {
                missing.add(name);
                if (found.contains(unsuffixed(name))) {
                    unsuffixedOnly.add(unsuffixed(name));
                }
            }
        }
        for (String name : optional) {
            if (!found.contains(name) && found.contains(unsuffixed(name))) {
                unsuffixedOnly.add(unsuffixed(name));
            }
        }
        List<String> flagged = new ArrayList<>();
        for (String flag : spec.list("flagServiceNames")) {
            for (String label : List.of("exported_job", "service_name")) {
                if (prom.labelValues(label, "{__name__=~\"" + regex + "\"," + label + "=\"" + flag + "\"}", start, end)
                        .contains(flag)) {
                    flagged.add(label + "=\"" + flag + "\"");
                }
            }
        }
        List<String> optionalSeen = optional.stream().filter(found::contains).toList();
        StringBuilder observed = new StringBuilder(found.size() + " name(s) in the last " + window(ctx) + ": "
                + (found.isEmpty() ? "none" : String.join(", ", found)));
        if (!flagged.isEmpty()) {
            observed.append("; also series with ").append(String.join(", ", flagged))
                    .append(" (Claude Code Desktop sessions; panels filtering on claude-code do not show them)");
        }
        if (!unsuffixedOnly.isEmpty()) {
            return fail(observed.toString(), "names exist only without their unit/type suffixes (" + String.join(", ", unsuffixedOnly)
                            + "): the collector's prometheus exporter runs with add_metric_suffixes: false, so every"
                            + " dashboard query and alert misses them",
                    "remove add_metric_suffixes: false from the collector config (the default true adds _total, _USD, _tokens,"
                            + " _seconds) and redeploy with 'migrate deploy'");
        }
        if (found.isEmpty()) {
            return inconclusive(observed.toString(), "no Claude Code metrics reached Prometheus in the last " + window(ctx)
                            + " (no session ran, or clients are not configured)",
                    "run a Claude Code session with the settings from 'migrate client-env --machine-name NAME',"
                            + " or widen --since");
        }
        if (!missing.isEmpty()) {
            return fail(observed + "; missing: " + String.join(", ", missing),
                    "Claude Code metrics arrive but some expected names do not (renamed metric, a client version that"
                            + " does not export it, or a collector filter)",
                    "compare with the names above; if the client renamed a metric, update required/optional in checks/verify.yaml"
                            + " and the dashboard");
        }
        return pass(observed + (optional.isEmpty() ? "" : "; optional present: " + optionalSeen.size() + "/" + optional.size()));
    }
}
