package dev.migrate.checks;

import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.endpoints.PrometheusApi.Sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * kind clients: which Claude Code clients sent data in the window (a series that grew or appeared in it),
 * as machine, user, client version and service, and what about them the dashboard would get wrong:
 * <ul>
 * <li>a machine without machine.name (the collector's placeholder {@code unnamedMachine}, or no label at
 *   all): its sessions are one anonymous row;</li>
 * <li>a client older than {@code minVersion} (the version is the metrics' instrumentation scope version,
 *   which Claude Code sets to its own): it may lack attributes panels read;</li>
 * <li>a service.name outside {@code services} (OTEL_SERVICE_NAME set): its events miss every Loki panel;</li>
 * <li>cost counters that reset more than {@code maxResets} times in the window: clients exporting
 *   CUMULATIVE counters whose processes share a session (anthropics/claude-code #56317).</li>
 * </ul>
 * Fields: {@code series} (metrics that show a client), {@code services}, {@code unnamedMachine},
 * {@code minVersion}, {@code minVersionNeeds} (what that version brings, for the message), {@code maxResets}.
 * No client at all is inconclusive, not a failure.
 */
final class ClientsCheck extends SpecCheck {
    static final String COST = "claude_code_cost_usage_USD_total";
    private static final Pattern USER_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");

    /** One client as the series label it: machine, user (email or user.id), version, service. */
    record Client(String machine, String user, String version, String service) implements Comparable<Client> {
        @Override
        public int compareTo(Client o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return machine + "\u0000" + user + "\u0000" + version + "\u0000" + service;
        }

        String shown() {
            return shortUser(user) + " (" + (version.isEmpty() ? "version ?" : version) + ", "
                    + (service.isEmpty() ? "no service.name" : service) + ")";
        }
    }

    ClientsCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        PrometheusApi prom = ctx.prometheus();
        List<String> series = spec.nonEmptyList("series", "metric name");
        Set<String> services = new TreeSet<>(spec.list("services"));
        String unnamed = spec.text("unnamedMachine", "no-machine-name");
        String minVersion = spec.text("minVersion", "");
        if (!minVersion.isEmpty() && !VERSION.matcher(minVersion).matches()) {
            throw spec.bad("minVersion", "'" + minVersion + "' is not a version like 2.1.0");
        }
        int maxResets = spec.integer("maxResets", 2);
        String w = promDuration(ctx);
        Instant now = now(ctx);

        Set<Client> clients = new TreeSet<>();
        for (String m : series) {
            // grew in the window, or appeared in it (a one-shot counter born inside it never grows)
            String q = "count by (machine_name, user, otel_scope_version, exported_job) ("
                    + "(max_over_time(" + m + "[" + w + "]) - min_over_time(" + m + "[" + w + "]) > 0)"
                    + " or (last_over_time(" + m + "[" + w + "]) unless " + m + " offset " + w + "))";
            for (Sample s : prom.query(q, now)) {
                Map<String, String> l = s.labels();
                clients.add(new Client(l.getOrDefault("machine_name", ""), l.getOrDefault("user", ""),
                        l.getOrDefault("otel_scope_version", ""), l.getOrDefault("exported_job", "")));
            }
        }
        if (clients.isEmpty()) {
            return inconclusive("no client sent " + String.join(" or ", series) + " in the last " + window(ctx)
                            + (ctx.expectedMachines().isEmpty() ? "" : "; expected: " + String.join(", ", ctx.expectedMachines())),
                    "no Claude Code session ran in the window, or no client reaches the collector",
                    "run a Claude Code session with the settings from 'migrate client-env --machine-name NAME', wait one"
                            + " export interval, and run verify again (or widen --since)");
        }

        Map<String, List<String>> byMachine = new TreeMap<>();
        Map<String, Set<String>> unnamedUsers = new TreeMap<>();
        Set<String> old = new TreeSet<>();
        Set<String> otherServices = new TreeSet<>();
        for (Client c : clients) {
            String machine = c.machine().isEmpty() ? "(no machine_name)" : c.machine();
            byMachine.computeIfAbsent(machine, k -> new ArrayList<>()).add(c.shown());
            if (c.machine().isEmpty() || c.machine().equals(unnamed)) {
                unnamedUsers.computeIfAbsent(machine, k -> new TreeSet<>()).add(shortUser(c.user()));
            }
            if (!minVersion.isEmpty() && VERSION.matcher(c.version()).matches() && compare(c.version(), minVersion) < 0) {
                old.add(c.version() + " on " + machine + " (" + shortUser(c.user()) + ")");
            }
            if (!services.isEmpty() && !services.contains(c.service())) {
                otherServices.add((c.service().isEmpty() ? "(none)" : c.service()) + " on " + machine);
            }
        }
        Set<String> colliding = new TreeSet<>();
        String resets = "sum by (session_id, user, machine_name) (resets(" + COST + "[" + w + "])) > " + maxResets;
        for (Sample s : prom.query(resets, now)) {
            Map<String, String> l = s.labels();
            colliding.add("session " + l.getOrDefault("session_id", "?") + " on " + l.getOrDefault("machine_name", "?")
                    + " (" + shortUser(l.getOrDefault("user", "")) + "): " + (long) s.value() + " resets");
        }

        List<String> listed = new ArrayList<>();
        byMachine.forEach((machine, users) -> listed.add(machine + ": " + String.join(", ", users)));
        String observed = byMachine.size() + " machine(s), " + clients.stream().map(Client::user).distinct().count()
                + " user(s) sent data in the last " + window(ctx) + ": " + String.join("; ", listed);

        List<String> causes = new ArrayList<>();
        List<String> fixes = new ArrayList<>();
        List<String> silent = ctx.expectedMachines().stream().filter(m -> !byMachine.containsKey(m)).toList();
        if (!silent.isEmpty()) {
            causes.add("expected machine(s) sent nothing in the last " + window(ctx) + ": " + String.join(", ", silent)
                    + " (setting expected-machines)");
            fixes.add("on " + String.join(", ", silent) + " set the environment from 'migrate client-env --machine-name NAME'"
                    + " with that machine's name, run a Claude Code session, and check that the machine's network is in"
                    + " trusted-cidrs and reaches the VIP");
        }
        if (!unnamedUsers.isEmpty()) {
            List<String> who = new ArrayList<>();
            unnamedUsers.forEach((m, users) -> who.add(String.join(", ", users)));
            causes.add("clients without machine.name (" + String.join("; ", who) + ") show as " + unnamed
                    + " on every machine panel");
            fixes.add("on each of those machines set the environment from 'migrate client-env --machine-name NAME'"
                    + " (or its --settings output, for Claude Code started from an IDE)");
        }
        if (!old.isEmpty()) {
            String needs = spec.text("minVersionNeeds", "");
            causes.add("clients older than " + minVersion + ": " + String.join(", ", old)
                    + (needs.isEmpty() ? "" : " (" + needs + ")"));
            fixes.add("update Claude Code on those machines to " + minVersion + " or later");
        }
        if (!otherServices.isEmpty()) {
            causes.add("service.name " + String.join(", ", otherServices) + " is not " + String.join(" or ", services)
                    + ": those clients' events are outside every Loki panel and rule");
            fixes.add("unset OTEL_SERVICE_NAME on those machines");
        }
        if (!colliding.isEmpty()) {
            causes.add("cost counters reset more than " + maxResets + " times in the window: " + String.join(", ", colliding)
                    + "; processes sharing a session with CUMULATIVE temporality overwrite each other's totals"
                    + " (anthropics/claude-code #56317)");
            fixes.add("remove OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative on that machine (delta, as"
                    + " 'migrate client-env' sets it, is added up by the collector)");
        }
        if (causes.isEmpty()) {
            return pass(observed);
        }
        return fail(observed, String.join("; ", causes), String.join("; ", fixes));
    }

    /** The window as a PromQL duration (whole seconds). */
    private static String promDuration(CheckContext ctx) {
        return Math.max(1, ctx.since().toSeconds()) + "s";
    }

    /** A user.id (64 hex) shortened for the report; an email as is. */
    static String shortUser(String user) {
        if (user.isEmpty()) {
            return "(no user)";
        }
        return USER_ID.matcher(user).matches() ? "user.id " + user.substring(0, 12) + "\u2026" : user;
    }

    /** Numeric comparison of dotted versions (2.1.10 after 2.1.9). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}
