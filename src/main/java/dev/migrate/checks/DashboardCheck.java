package dev.migrate.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.GrafanaApi;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * kind dashboard: Grafana has our dashboard (UID), both datasource UIDs exist, and every Prometheus
 * query of our dashboard JSON runs without error against the live Prometheus, so a renamed metric
 * or a syntax error shows here before a user sees an empty panel. Our JSON is the bundled dashboard
 * (or the dashboard setting); when there is none, the live dashboard's own queries are run.
 * Identical expressions run once; {@code concurrency} caps the queries in flight (default 1).
 * Fields: {@code uid}, {@code concurrency}, {@code queryRange} (what $__range, $__interval and $__rate_interval stand for, default 30s: two scrape intervals, enough to prove a query runs without reading an hour of samples), {@code optionalMetrics}.
 */
final class DashboardCheck extends SpecCheck {
    DashboardCheck(CheckSpec spec) {
        super(spec);
    }

    /** One distinct expression's outcome: whether it returned a series, or the error Prometheus gave. */
    private record Ran(boolean data, EndpointException error) {
    }

    /** Runs each expression once, in order, on at most {@code concurrency} threads; results keyed by expression. */
    private static Map<String, Ran> runAll(List<String> exprs, java.util.function.Predicate<String> query, int concurrency) {
        Map<String, Ran> out = new LinkedHashMap<>();
        if (concurrency == 1) {
            for (String e : exprs) {
                out.put(e, ran(query, e));
            }
            return out;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "dashboard-query");
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Ran>> futures = new ArrayList<>();
            exprs.forEach(e -> futures.add(pool.submit(() -> ran(query, e))));
            for (int i = 0; i < exprs.size(); i++) {
                out.put(exprs.get(i), futures.get(i).get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying Prometheus", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Ran ran(java.util.function.Predicate<String> query, String expr) {
        try {
            return new Ran(query.test(expr), null);
        } catch (EndpointException e) {
            return new Ran(false, e);
        }
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        GrafanaApi grafana = ctx.grafana();
        PrometheusApi prom = ctx.prometheus();
        String uid = spec.text("uid", "claude-code");
        Optional<JsonNode> live = grafana.dashboard(uid);
        if (live.isEmpty()) {
            return fail("no dashboard with UID " + uid, "the dashboard ConfigMap was not picked up by Grafana's sidecar"
                            + " (missing label grafana_dashboard: \"1\", other namespace, or not deployed)",
                    "run 'migrate deploy' and check 'kubectl -n " + ctx.namespace()
                            + " get configmap -l grafana_dashboard=1'; then look at the grafana-sc-dashboard container's log");
        }
        List<String> missingDs = new ArrayList<>();
        for (String dsUid : List.of(ctx.datasourceUids().prometheus(), ctx.datasourceUids().loki())) {
            if (grafana.datasource(dsUid).isEmpty()) {
                missingDs.add(dsUid);
            }
        }
        if (!missingDs.isEmpty()) {
            return fail("dashboard " + uid + " found; missing datasource UID(s): " + String.join(", ", missingDs),
                    "the dashboard's panels point at datasources Grafana does not have, so they show 'datasource not found'",
                    "set prometheus-datasource-uid / loki-datasource-uid to the UIDs in Grafana (Connections > Data sources)"
                            + " and redeploy");
        }

        Optional<DataFiles.Loaded> ours = ctx.dashboards().get();
        JsonNode model;
        String source;
        if (ours.isPresent()) {
            try {
                model = Json.MAPPER.readTree(ours.get().text());
            } catch (JsonProcessingException e) {
                return fail(ours.get().origin() + " is not valid JSON", "the dashboard file is broken",
                        "fix the JSON in " + ours.get().origin());
            }
            source = ours.get().origin();
        } else {
            model = live.get();
            source = "the live dashboard";
        }
        List<DashboardQueries.Query> queries = DashboardQueries.prometheusQueries(model, ctx.datasourceUids().loki(),
                spec.duration("queryRange", java.time.Duration.ofSeconds(30)));
        List<String> broken = new ArrayList<>();
        // A panel "has data" when any of its queries returns a series; the titles of the rest are listed.
        Set<String> panels = new java.util.LinkedHashSet<>();
        Set<String> withData = new HashSet<>();
        Instant at = now(ctx);
        // Panels repeat expressions (a total and its share, a table column): each distinct one runs once, on at
        // most `concurrency` connections (bench/verify.sh measures what Prometheus can use).
        Map<String, List<DashboardQueries.Query>> byExpr = new LinkedHashMap<>();
        queries.forEach(q -> byExpr.computeIfAbsent(q.expr(), e -> new ArrayList<>()).add(q));
        queries.forEach(q -> panels.add(q.panel()));
        Map<String, Ran> outcome = runAll(new ArrayList<>(byExpr.keySet()), expr -> !prom.query(expr, at).isEmpty(),
                Math.max(1, spec.integer("concurrency", 1)));
        for (Map.Entry<String, Ran> o : outcome.entrySet()) {
            List<DashboardQueries.Query> users = byExpr.get(o.getKey());
            if (o.getValue().error() == null) {
                if (o.getValue().data()) {
                    users.forEach(q -> withData.add(q.panel()));
                }
                continue;
            }
            EndpointException e = o.getValue().error();
            if (e.kind() == EndpointException.Kind.BAD_REQUEST || e.kind() == EndpointException.Kind.API_ERROR) {
                users.forEach(q -> broken.add("panel '" + q.panel() + "' " + q.refId() + ": " + e.getMessage()));
            } else {
                throw e; // Prometheus itself is failing: one cause, reported once
            }
        }
        // LogQL panels against Loki over the verify window (events are sparse: 30 s would usually read nothing).
        List<DashboardQueries.Query> logQueries = ctx.lokiApi().isPresent()
                ? DashboardQueries.lokiQueries(model, ctx.datasourceUids().loki(), ctx.since()) : List.of();
        for (DashboardQueries.Query q : logQueries) {
            panels.add(q.panel());
            try {
                boolean data = q.expr().strip().startsWith("{")
                        ? !ctx.loki().queryRange(q.expr(), at.minus(ctx.since()), at, 1).isEmpty()
                        : !ctx.loki().metricRange(q.expr(), at.minus(ctx.since()), at, ctx.since()).isEmpty();
                if (data) {
                    withData.add(q.panel());
                }
            } catch (EndpointException e) {
                if (e.kind() == EndpointException.Kind.BAD_REQUEST || e.kind() == EndpointException.Kind.API_ERROR) {
                    broken.add("panel '" + q.panel() + "' " + q.refId() + " (LogQL): " + e.getMessage());
                } else {
                    throw e;
                }
            }
        }
        List<String> empty = panels.stream().filter(p -> !withData.contains(p)).toList();
        String observed = "dashboard " + uid + " and datasources " + ctx.datasourceUids().prometheus() + ", "
                + ctx.datasourceUids().loki() + " exist; " + (queries.size() + logQueries.size() - broken.size()) + "/"
                + (queries.size() + logQueries.size()) + " queries of " + source + " run (" + queries.size() + " PromQL, "
                + logQueries.size() + " LogQL); " + (empty.isEmpty() ? "every panel returned data"
                : empty.size() + " of " + panels.size() + " panels returned no data: " + String.join(", ", empty));
        if (queries.isEmpty()) {
            return fail(observed, "no Prometheus query found in " + source, "check the dashboard JSON has panels with targets");
        }
        if (!broken.isEmpty()) {
            return fail(observed + "; " + String.join("; ", broken),
                    "Prometheus rejects these panel queries (syntax, or a function this version lacks)",
                    "fix the expressions in the dashboard JSON and redeploy");
        }
        // A renamed metric is not an error for Prometheus, only an empty panel: compare the names.
        Instant end = now(ctx);
        Set<String> present = new HashSet<>(prom.labelValues("__name__",
                "{__name__=~\"claude_code_.+\"}", end.minus(ctx.since()), end));
        Set<String> unknown = new TreeSet<>(DashboardQueries.metricNames(queries));
        unknown.removeAll(present);
        // a name regex is read as soon as Prometheus has one name it matches
        unknown.removeIf(n -> DashboardQueries.isNameRegex(n) && present.stream().anyMatch(p -> p.matches(n)));
        unknown.removeAll(spec.list("optionalMetrics"));
        if (!unknown.isEmpty() && present.isEmpty()) {
            return inconclusive(observed + "; no claude_code_* metric in Prometheus in the last " + window(ctx)
                            + " to compare the panels' metric names with",
                    "no Claude Code session sent data in the window", "run a session ('migrate client-env') and verify again");
        }
        if (!unknown.isEmpty()) {
            return fail(observed + "; panels read metrics Prometheus does not have: " + String.join(", ", unknown),
                    "the dashboard uses names the pipeline does not produce (renamed metric or missing suffix), so those"
                            + " panels stay empty",
                    "rename the metrics in the dashboard JSON to the names 'migrate verify --only metric-names' reports,"
                            + " or list legitimately rare ones under optionalMetrics in checks/verify.yaml");
        }
        return pass(observed);
    }
}
