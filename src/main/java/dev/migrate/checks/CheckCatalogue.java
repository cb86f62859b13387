package dev.migrate.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.Values;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one file of the checks/ folder (built into the jar; the {@code checks-dir} setting points at
 * the operator's copy). The envelope is shared by every step that declares checks:
 * <pre>
 * version: 1
 * defaults: {timeout: 10s}
 * checks:
 *   - name: scrape-target       # unique, [a-z0-9-]+
 *     kind: scrape-target       # which Java class runs it
 *     description: one line
 *     timeout: 5s               # optional, else defaults.timeout
 *     ...                       # kind-specific fields
 * </pre>
 * verify reads verify.yaml; soak its own file with its own kinds.
 */
public final class CheckCatalogue {
    public static final int VERSION = 1;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Duration FALLBACK_TIMEOUT = Duration.ofSeconds(10);

    private CheckCatalogue() {
    }

    /** Loads {@code checks/<file>}, or {@code <checksDir>/<file>} when the setting names a folder. */
    public static List<CheckSpec> load(Optional<Path> checksDir, String file) {
        DataFiles.Loaded loaded = DataFiles.read(checksDir.map(d -> d.resolve(file)), "checks/" + file, "checks-dir");
        return parse(loaded.origin(), loaded.text());
    }

    /** A checks file read with an alias would be read as the anchor's name (Json.yamlAliasLine): refused, by line. */
    public static void refuseAliases(String origin, String yaml) {
        Json.yamlAliasLine(yaml).ifPresent(line -> {
            throw new UserError(origin + ":" + line + ": a YAML alias, which migrate reads as the anchor's name, not"
                    + " its value; write the aliased value out at each place it is used");
        });
    }

    public static List<CheckSpec> parse(String origin, String yaml) {
        JsonNode root;
        try {
            root = Json.YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new UserError(origin + (at == null ? "" : ":" + at.getLineNr()) + ": not valid YAML ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + "); fix the syntax");
        }
        refuseAliases(origin, yaml);
        if (root == null || !root.isObject()) {
            throw new UserError(origin + ": expected a mapping with 'version: 1' and a 'checks:' list");
        }
        int version = root.path("version").asInt(-1);
        if (version != VERSION) {
            throw new UserError(origin + ": 'version: " + root.path("version").asText("(missing)")
                    + "' is not supported; this migrate reads version " + VERSION);
        }
        Duration defaultTimeout = FALLBACK_TIMEOUT;
        String rawDefault = root.path("defaults").path("timeout").asText("");
        if (!rawDefault.isEmpty()) {
            String problem = Values.durationProblem(rawDefault);
            if (problem != null) {
                throw new UserError(origin + ": defaults.timeout '" + rawDefault + "' is " + problem);
            }
            defaultTimeout = Values.duration(rawDefault);
        }
        JsonNode checks = root.path("checks");
        if (!checks.isArray() || checks.isEmpty()) {
            throw new UserError(origin + ": 'checks:' must be a non-empty list");
        }
        List<CheckSpec> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int index = 0;
        for (JsonNode c : checks) {
            index++;
            if (!c.isObject()) {
                throw new UserError(origin + ": checks[" + index + "] must be a mapping with name and kind");
            }
            String name = c.path("name").asText("");
            if (!NAME.matcher(name).matches()) {
                throw new UserError(origin + ": checks[" + index + "] name '" + name
                        + "' must be lower-case letters, digits and '-'");
            }
            if (!seen.add(name)) {
                throw new UserError(origin + ": check name '" + name + "' appears twice; names must be unique");
            }
            String kind = c.path("kind").asText("");
            if (kind.isEmpty()) {
                throw new UserError(origin + ": check '" + name + "' has no kind");
            }
            CheckSpec partial = new CheckSpec(origin, name, kind, c.path("description").asText(""), defaultTimeout, c);
            partial.holdsRetireBack(); // refused when the file is read, not when retire first asks
            out.add(new CheckSpec(origin, name, kind, partial.description(), partial.duration("timeout", defaultTimeout), c));
        }
        return out;
    }
}
