package dev.migrate.checks;

import dev.migrate.UserError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The check kinds verify knows, and the catalogue turned into runnable checks. */
public final class VerifyChecks {
    public static final String FILE = "verify.yaml";

    private static final Map<String, Function<CheckSpec, Check>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("tcp-reachable", VipReachableCheck::new);
        KINDS.put("otlp-round-trip", RoundTripCheck::new);
        KINDS.put("scrape-target", ScrapeTargetCheck::new);
        KINDS.put("metric-names", MetricNamesCheck::new);
        KINDS.put("client-data", ClientDataCheck::new);
        KINDS.put("clients", ClientsCheck::new);
        KINDS.put("loki-events", LokiEventsCheck::new);
        KINDS.put("loki-config", LokiConfigCheck::new);
        KINDS.put("dashboard", DashboardCheck::new);
        KINDS.put("alert-rules", AlertRulesCheck::new);
        KINDS.put("test-alert", TestAlertCheck::new);
        KINDS.put("cluster", ClusterCheck::new);
    }

    private VerifyChecks() {
    }

    public static Set<String> kinds() {
        return KINDS.keySet();
    }

    /** Every spec as a check; an unknown kind is a settings error naming the file and the known kinds. */
    public static List<Check> of(List<CheckSpec> specs) {
        List<Check> out = new ArrayList<>();
        for (CheckSpec spec : specs) {
            Function<CheckSpec, Check> make = KINDS.get(spec.kind());
            if (make == null) {
                throw new UserError(spec.origin() + ": check '" + spec.name() + "' has unknown kind '" + spec.kind()
                        + "'; known kinds: " + String.join(", ", KINDS.keySet()));
            }
            out.add(make.apply(spec));
        }
        return out;
    }

    /**
     * The checks --only/--skip leave. Unknown names are a usage error listing the known ones.
     *
     * @param only empty means all
     */
    public static List<Check> select(List<Check> all, List<String> only, List<String> skip) {
        List<String> known = all.stream().map(Check::name).toList();
        for (String name : concat(only, skip)) {
            if (!known.contains(name)) {
                throw new UserError("unknown check '" + name + "' in --only/--skip; known checks: " + String.join(", ", known));
            }
        }
        return all.stream().filter(c -> only.isEmpty() || only.contains(c.name())).filter(c -> !skip.contains(c.name()))
                .toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
