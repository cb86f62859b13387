package dev.migrate.checks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.UserError;
import dev.migrate.settings.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a checks/*.yaml file: the fields every entry has, plus its kind-specific parameters
 * read through the typed getters (which name the file and the check in their errors).
 *
 * @param origin      the file it came from, for messages
 * @param name        unique in its file, [a-z0-9-]+
 * @param kind        selects the Java class that runs it
 * @param description one line for reports
 * @param timeout     per-check timeout (the file's defaults.timeout when absent)
 * @param params      the whole entry, for kind-specific fields
 */
public record CheckSpec(String origin, String name, String kind, String description, Duration timeout, JsonNode params) {

    /**
     * Whether a failure of this check holds {@code migrate retire} back. {@code holdsRetireBack: false}
     * marks a check that judges how the clients are set up rather than whether the new pipeline holds
     * their data: retire shows it but goes on (the old stack got the same telemetry, so retiring it
     * loses nothing because of such a finding).
     */
    public boolean holdsRetireBack() {
        String v = text("holdsRetireBack", "true");
        if (!v.equals("true") && !v.equals("false")) {
            throw bad("holdsRetireBack", "'" + v + "' is not true or false");
        }
        return v.equals("true");
    }

    public String text(String field, String fallback) {
        JsonNode n = params.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isValueNode()) {
            throw bad(field, "must be a single value");
        }
        return n.asText();
    }

    public String requiredText(String field) {
        String v = text(field, "");
        if (v.isBlank()) {
            throw bad(field, "is required");
        }
        return v;
    }

    public List<String> list(String field) {
        JsonNode n = params.get(field);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw bad(field, "must be a list");
        }
        for (JsonNode item : n) {
            if (!item.isValueNode()) {
                throw bad(field, "must be a list of plain values");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** {@link #list}, refused when empty: {@code what} names one item, e.g. "metric name". */
    public List<String> nonEmptyList(String field, String what) {
        List<String> out = list(field);
        if (out.isEmpty()) {
            throw bad(field, "must list at least one " + what);
        }
        return out;
    }

    public Duration duration(String field, Duration fallback) {
        String raw = text(field, "");
        if (raw.isEmpty()) {
            return fallback;
        }
        String problem = Values.durationProblem(raw);
        if (problem != null) {
            throw bad(field, "'" + raw + "' is " + problem);
        }
        return Values.duration(raw);
    }

    public int integer(String field, int fallback) {
        String raw = text(field, "");
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw bad(field, "'" + raw + "' is not a whole number");
        }
    }

    public UserError bad(String field, String problem) {
        return new UserError(origin + ": check '" + name + "': " + field + " " + problem + "; fix the checks file");
    }
}
