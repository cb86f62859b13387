package dev.migrate.settings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.UserError;
import dev.migrate.io.UserFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the effective {@link Settings}: built-in defaults, then migrate.yaml, then MIGRATE_*
 * environment variables, then flags. Every value is validated here, so a bad one stops the command
 * before anything is read from or written to a cluster or a Docker engine.
 */
public final class SettingsLoader {
    /** The file read when no --config is given, if it exists in the working directory. */
    public static final String DEFAULT_FILE = "migrate.yaml";
    public static final String CONFIG_ENV = "MIGRATE_CONFIG";

    private SettingsLoader() {
    }

    /** Loads from the real environment. */
    public static Settings load(Optional<Path> explicitFile, Map<String, String> flags) {
        return load(explicitFile, System.getenv(), flags);
    }

    /**
     * @param explicitFile --config, which must exist when given
     * @param env          the environment (MIGRATE_CONFIG and MIGRATE_* keys are read)
     * @param flags        setting name to raw value, as given on the command line
     */
    public static Settings load(Optional<Path> explicitFile, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new HashMap<>();
        Map<String, Provenance> provenance = new HashMap<>();
        for (SettingKey key : SettingKeys.ALL) {
            values.put(key.name(), key.defaultValue());
            provenance.put(key.name(), new Provenance(Source.DEFAULT, ""));
        }

        String givenBy = explicitFile.isPresent() ? "--config" : "env " + CONFIG_ENV;
        String fromEnv = env.get(CONFIG_ENV);
        if (explicitFile.isEmpty() && fromEnv != null && Values.firstControl(fromEnv) >= 0) {
            throw new UserError("env " + CONFIG_ENV + " '" + fromEnv + "' holds a control character; give a plain path");
        }
        Optional<Path> file = explicitFile.isPresent() ? explicitFile
                : Optional.ofNullable(fromEnv).filter(s -> !s.isBlank()).map(Values::path);
        if (file.isPresent()) {
            if (!Files.exists(file.get())) {
                throw new UserError("config file (" + givenBy + ") " + file.get() + " does not exist: create it or drop "
                        + (explicitFile.isPresent() ? "--config" : "the " + CONFIG_ENV + " variable"));
            }
        } else if (Files.exists(Path.of(DEFAULT_FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            file = Optional.of(Path.of(DEFAULT_FILE)); // a directory or FIFO here is refused by the reader, not skipped
        }
        if (file.isPresent()) {
            Provenance fromFile = new Provenance(Source.FILE, file.get().toString());
            readFile(file.get()).forEach((name, value) -> {
                values.put(name, value);
                provenance.put(name, fromFile);
            });
        }

        for (SettingKey key : SettingKeys.ALL) {
            String value = env.get(key.envVar());
            if (value != null) {
                set(values, provenance, key, value.trim(), new Provenance(Source.ENV, key.envVar()));
            }
        }
        applyFlags(values, provenance, flags);
        checkTogether(values, provenance);
        return new Settings(values, provenance, file);
    }

    /**
     * Values that are each valid but contradict each other, refused as one would be, naming both
     * and where each came from: a critical spend alert below its warning fires first, and the
     * warning never says anything the critical did not.
     */
    private static void checkTogether(Map<String, String> values, Map<String, Provenance> provenance) {
        SettingKey warn = SettingKeys.DAILY_SPEND_ALERT_USD;
        SettingKey critical = SettingKeys.DAILY_SPEND_CRITICAL_USD;
        String w = values.get(warn.name());
        String c = values.get(critical.name());
        if (new java.math.BigDecimal(w).compareTo(new java.math.BigDecimal(c)) > 0) {
            throw new UserError(warn.name() + " (" + provenance.get(warn.name()).describe() + ") " + w + " is above "
                    + critical.name() + " (" + provenance.get(critical.name()).describe() + ") " + c
                    + ": the critical alert would fire before the warning; raise " + critical.name() + " or lower " + warn.name());
        }
    }

    static Settings overlay(Settings base, Map<String, String> flags) {
        Map<String, String> values = new HashMap<>(base.values());
        Map<String, Provenance> provenance = new HashMap<>(base.provenances());
        applyFlags(values, provenance, flags);
        return new Settings(values, provenance, base.file());
    }

    private static void applyFlags(Map<String, String> values, Map<String, Provenance> provenance,
                                   Map<String, String> flags) {
        flags.forEach((name, value) -> {
            SettingKey key = SettingKeys.byName(name)
                    .orElseThrow(() -> new IllegalArgumentException("no setting named " + name));
            set(values, provenance, key, value.trim(), new Provenance(Source.FLAG, FLAG_NAMES.getOrDefault(name, "--" + name)));
        });
    }

    /** Settings whose flag is not "--" + the key, so an error names the flag the operator typed. */
    private static final Map<String, String> FLAG_NAMES = Map.of("trusted-cidrs", "--trusted-cidr",
            "compose-project", "--project", "soak-duration", "--duration", "soak-interval", "--interval",
            "soak-max-gap", "--max-gap");

    /** "KEY 'VALUE' is PROBLEM", or "KEY: 'ITEM' is ..." when the problem already names the bad list item. */
    static String invalid(SettingKey key, String value, String problem) {
        value = key.kind() == SettingKey.Kind.URL ? Values.maskUrl(value) : value;
        return problem.startsWith("'") ? key.name() + ": " + problem : key.name() + " '" + value + "' is " + problem;
    }

    private static void set(Map<String, String> values, Map<String, Provenance> provenance, SettingKey key,
                            String value, Provenance from) {
        String problem = problem(key, value);
        if (problem != null) {
            throw new UserError(from.describe() + ": " + invalid(key, value, problem)
                    + "; fix the value or remove it to use the default '" + key.defaultValue() + "'");
        }
        values.put(key.name(), value);
        provenance.put(key.name(), from);
    }

    /**
     * {@link Values#problem}, and an empty value for a key that has a default: "not set" would
     * silently mean something else (state-dir: "" puts the ledger in the current directory).
     * Lists may be empty (no reserved addresses), and so may keys whose default is empty.
     */
    private static String problem(SettingKey key, String value) {
        boolean list = key.kind() == SettingKey.Kind.IPV4_LIST || key.kind() == SettingKey.Kind.CIDR_LIST
                || key.kind() == SettingKey.Kind.MACHINE_LIST;
        if (value.isEmpty() && !key.defaultValue().isEmpty() && !list) {
            return "empty (a key that is given needs a value)";
        }
        return Values.problem(key.kind(), value);
    }

    /** Reads and validates migrate.yaml: a mapping of known keys to scalars or lists of scalars. */
    private static Map<String, String> readFile(Path file) {
        StrictYaml.Doc doc = StrictYaml.read(UserFiles.read(file, "config file", UserFiles.TEXT_CAP), file.toString());
        JsonNode root = doc.root();
        Map<String, String> out = new HashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out; // an empty file is allowed: all defaults
        }
        if (!root.isObject()) {
            throw new UserError(file + ": expected a mapping of setting names to values, e.g. 'vip: 10.10.30.22'");
        }
        Provenance from = new Provenance(Source.FILE, file.toString());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = file + ":" + doc.lines().getOrDefault(field.getKey(), 1);
            SettingKey key = SettingKeys.byName(field.getKey()).orElseThrow(() -> new UserError(at
                    + ": unknown key '" + field.getKey() + "'" + suggestion(field.getKey())
                    + "; run 'migrate config' to list the known keys"));
            String value = field.getValue().isValueNode() && doc.raw().containsKey(field.getKey())
                    ? doc.raw().get(field.getKey()).trim() : scalarText(file, key, field.getValue());
            String problem = problem(key, value);
            if (problem != null) {
                throw new UserError("file " + at + ": " + invalid(key, value, problem)
                        + "; fix the value or remove the key");
            }
            out.put(key.name(), value);
        }
        return out;
    }

    private static String scalarText(Path file, SettingKey key, JsonNode node) {
        if (node.isNull()) {
            return "";
        }
        if (node.isValueNode()) {
            return node.asText().trim();
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode()) {
                    throw new UserError(file + ": " + key.name() + " must be a list of plain values");
                }
                items.add(item.asText().trim());
            }
            return String.join(",", items);
        }
        throw new UserError(file + ": " + key.name() + " must be a value or a list, not a mapping");
    }

    /** "; did you mean 'vip'?" for a near miss, else "". */
    private static String suggestion(String unknown) {
        return SettingKeys.ALL.stream()
                .min(Comparator.comparingInt(k -> distance(k.name(), unknown)))
                .filter(k -> distance(k.name(), unknown) <= 3)
                .map(k -> " (did you mean '" + k.name() + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
