package dev.migrate.soak;

import dev.migrate.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;
import dev.migrate.soak.AnalysisCheck.Chart;
import dev.migrate.soak.AnalysisCheck.Kind;
import dev.migrate.soak.AnalysisCheck.NoData;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The soak's checks, read from soak.yaml in the checks folder (the built-in one, or the
 * {@code checks-dir} setting's). Templates {@code {{window}}} and {@code {{namespace}}} are filled in
 * here ({@code {{windowSeconds}}} too, to turn a count into a rate), so the journal and reports show
 * the exact queries that ran.
 *
 * @param origin where the file came from
 * @param digest sha256 of the file's text: a resumed soak must run the same analysis
 * @param checks in file order
 */
public record AnalysisCatalogue(String origin, String digest, List<AnalysisCheck> checks) {
    public static final String FILE = "soak.yaml";
    private static final Set<String> FIELDS = Set.of("name", "kind", "query", "check", "successCondition",
            "failureCondition", "interval", "window", "failureLimit", "consecutiveErrorLimit", "noData", "chart", "optional",
            "description", "fix");

    public AnalysisCatalogue {
        checks = List.copyOf(checks);
    }

    public static AnalysisCatalogue load(Settings settings) {
        DataFiles.Loaded file = DataFiles.read(settings.checksDir().map(d -> d.resolve(FILE)), "checks/" + FILE, "checks-dir");
        return parse(file.origin(), file.text(), settings.soakInterval(), settings.namespace());
    }

    /**
     * @param soakInterval the default interval of a check
     * @param namespace    fills {{namespace}}
     */
    public static AnalysisCatalogue parse(String origin, String text, Duration soakInterval, String namespace) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(text);
        } catch (IOException e) {
            throw new UserError(origin + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + "); fix the syntax");
        }
        dev.migrate.checks.CheckCatalogue.refuseAliases(origin, text);
        if (root == null || !root.path("checks").isArray() || root.path("checks").isEmpty()) {
            throw new UserError(origin + ": expected a non-empty 'checks:' list; see the built-in checks/soak.yaml");
        }
        JsonNode defaults = root.path("defaults");
        List<AnalysisCheck> checks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode node : root.path("checks")) {
            String name = node.path("name").asText("");
            String where = origin + ": check '" + (name.isEmpty() ? "#" + (checks.size() + 1) : name) + "'";
            try {
                AnalysisCheck check = check(node, defaults, soakInterval, namespace);
                if (!names.add(check.name())) {
                    throw new IllegalArgumentException("the name is used twice; names must be unique");
                }
                checks.add(check);
            } catch (IllegalArgumentException e) {
                throw new UserError(where + ": " + e.getMessage());
            }
        }
        return new AnalysisCatalogue(origin, Digests.shortSha256(text), checks);
    }

    private static AnalysisCheck check(JsonNode node, JsonNode defaults, Duration soakInterval, String namespace) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + field + "'; known: " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
            }
        }
        String name = text(node, defaults, "name", "");
        if (!name.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("needs a 'name' of lower-case letters, digits, '-' and '.'");
        }
        Kind kind = choice(Kind.class, text(node, defaults, "kind", ""), "kind");
        Duration interval = duration(text(node, defaults, "interval", ""), soakInterval, "interval");
        Duration window = duration(text(node, defaults, "window", ""), Duration.ofMinutes(5), "window");
        String query = switch (kind) {
            case PROMQL, LOGQL -> required(text(node, defaults, "query", ""), "query");
            case VERIFY -> required(text(node, defaults, "check", ""), "check");
            case ROUND_TRIP -> "";
        };
        query = query.replace("{{window}}", Values.format(window)).replace("{{windowSeconds}}", String.valueOf(window.getSeconds()))
                .replace("{{namespace}}", namespace).strip();
        String success = text(node, defaults, "successCondition", "");
        String failure = text(node, defaults, "failureCondition", "");
        if (kind != Kind.VERIFY && success.isEmpty() && failure.isEmpty()) {
            throw new IllegalArgumentException("needs a successCondition or a failureCondition (e.g. 'result == 1')");
        }
        return new AnalysisCheck(name, kind, query,
                success.isEmpty() ? null : Condition.parse(success),
                failure.isEmpty() ? null : Condition.parse(failure),
                interval,
                window,
                count(node, defaults, "failureLimit", 0),
                count(node, defaults, "consecutiveErrorLimit", 4),
                choice(NoData.class, required(text(node, defaults, "noData", ""), "noData (fail, inconclusive or pass)"), "noData"),
                choice(Chart.class, text(node, defaults, "chart", "none"), "chart"),
                bool(text(node, defaults, "optional", "false"), "optional"),
                text(node, defaults, "description", ""),
                text(node, defaults, "fix", "").replace("{{namespace}}", namespace));
    }

    private static String text(JsonNode node, JsonNode defaults, String field, String fallback) {
        JsonNode v = node.has(field) ? node.get(field) : defaults.path(field);
        return v.isMissingNode() || v.isNull() ? fallback : v.asText().strip();
    }

    private static String required(String value, String field) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("needs '" + field + "'");
        }
        return value;
    }

    private static int count(JsonNode node, JsonNode defaults, String field, int fallback) {
        String raw = text(node, defaults, field, String.valueOf(fallback));
        if (!raw.matches("\\d{1,6}")) {
            throw new IllegalArgumentException(field + " '" + raw + "' is not a whole number >= 0");
        }
        return Integer.parseInt(raw);
    }

    private static boolean bool(String raw, String field) {
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException(field + " '" + raw + "' is not true or false");
        }
        return Boolean.parseBoolean(raw);
    }

    private static Duration duration(String raw, Duration fallback, String field) {
        if (raw.isEmpty()) {
            return fallback;
        }
        String problem = Values.durationProblem(raw);
        if (problem != null) {
            throw new IllegalArgumentException(field + " '" + raw + "' is " + problem);
        }
        return Values.duration(raw);
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String raw, String field) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(raw.replace('-', '_'))) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException(field + " '" + raw + "' is not one of " + String.join(", ", allowed));
    }

}
