package dev.migrate.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.PrivateFiles;
import dev.migrate.io.Printable;
import dev.migrate.io.UserFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The telemetry environment merged into a Claude Code settings file's {@code env} block (the user's
 * ~/.claude/settings.json, or the machine's managed-settings.json): Claude Code reads it whether it was
 * started from a shell, an IDE or a launcher, where shell exports never arrive. A plan first (what is added,
 * what is replaced, what is kept), then one atomic write; every other key of the file is kept as it was.
 *
 * @param file     the settings file as given
 * @param content  the file after the merge
 * @param added    variables the file did not set
 * @param replaced variable to its old value, for the ones set to something else
 * @param kept     other telemetry variables the file sets, kept as they are
 * @param warnings telemetry variables the file keeps that change what the merge sets up
 * @param exists   whether the file exists (else it is created)
 */
record ClaudeSettingsMerge(Path file, String content, List<String> added, Map<String, String> replaced,
                           List<String> kept, List<String> warnings, boolean exists) {
    /** Telemetry variables the merge does not set but that would undo it, with why. */
    private static final Map<String, String> CONFLICTS = Map.of(
            "OTEL_SERVICE_NAME", "renames the service: its events leave every Loki panel and rule",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "sends metrics elsewhere than OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "sends events elsewhere than OTEL_EXPORTER_OTLP_ENDPOINT",
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "overrides OTEL_EXPORTER_OTLP_PROTOCOL for metrics",
            "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "overrides OTEL_EXPORTER_OTLP_PROTOCOL for events");
    private static final Pattern TELEMETRY = Pattern.compile("OTEL_.*|CLAUDE_CODE_ENABLE_TELEMETRY");
    /** Jackson's message for a key an object holds twice. */
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '(.*)'");

    /**
     * Reads {@code file} (absent: a new file) and merges {@code env} into its env block.
     *
     * @param what how the operator named it, e.g. "--settings-file"
     */
    static ClaudeSettingsMerge plan(Path file, String what, Map<String, String> env) {
        String name = what + " " + Printable.quote(file.toString());
        boolean exists = Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file);
        ObjectNode root;
        if (exists) {
            String text = UserFiles.read(file, what, UserFiles.TEXT_CAP);
            JsonNode parsed;
            try {
                // a key twice: Claude Code reads the last one, and a merge written back would drop the first for good
                parsed = text.isBlank() ? Json.MAPPER.createObjectNode()
                        : Json.MAPPER.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(text);
            } catch (JsonProcessingException e) {
                var at = e.getLocation();
                Matcher twice = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
                if (twice.find()) {
                    throw new UserError(name + " sets \"" + twice.group(1) + "\" twice" + (at == null ? "" : " (line "
                            + at.getLineNr() + ")") + ": Claude Code reads only the last one; keep one, then run again"
                            + " (nothing was changed)");
                }
                throw new UserError(name + " is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                        + at.getColumnNr() + ")") + "; fix it or move it aside, then run again (nothing was changed)");
            }
            if (!(parsed instanceof ObjectNode o)) {
                throw new UserError(name + " holds a JSON " + parsed.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + ", not an object of settings; fix it or move it aside, then run again (nothing was changed)");
            }
            root = o;
        } else {
            root = Json.MAPPER.createObjectNode();
        }
        JsonNode current = root.get("env");
        if (current != null && !current.isObject()) {
            throw new UserError(name + ": its \"env\" is a " + current.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", not an object of variables; make it {\"NAME\": \"value\"} or remove it, then run again (nothing was changed)");
        }
        ObjectNode block = current == null ? root.putObject("env") : (ObjectNode) current;
        List<String> added = new ArrayList<>();
        Map<String, String> replaced = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            JsonNode old = block.get(k);
            if (old == null) {
                added.add(k);
            } else if (!old.isTextual() || !old.asText().equals(v)) {
                replaced.put(k, old.isTextual() ? old.asText() : old.toString());
            }
            block.put(k, v);
        });
        List<String> warnings = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        block.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (env.containsKey(k)) {
                return;
            }
            if (CONFLICTS.containsKey(k)) {
                warnings.add(k + " is kept: it " + CONFLICTS.get(k) + "; remove it unless you mean it");
            } else if (TELEMETRY.matcher(k).matches()) {
                kept.add(k + "=" + Printable.quote(e.getValue().asText()));
            }
        });
        String content;
        try {
            content = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
        return new ClaudeSettingsMerge(file, content, added, replaced, kept, warnings, exists);
    }

    /** What the merge does, one line each, for the operator to read before or after the write. */
    String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(exists ? "merge into " : "create ").append(file).append('\n');
        for (String k : added) {
            sb.append("  + env.").append(k).append('\n');
        }
        replaced.forEach((k, old) -> sb.append("  ~ env.").append(k).append(" (was ").append(Printable.quote(old)).append(")\n"));
        for (String k : kept) {
            sb.append("  = env.").append(k).append(" (kept)\n");
        }
        if (added.isEmpty() && replaced.isEmpty()) {
            sb.append("  (already set: nothing to change)\n");
        }
        for (String w : warnings) {
            sb.append("  ! env.").append(w).append('\n');
        }
        return sb.toString();
    }

    boolean changes() {
        return !exists || !added.isEmpty() || !replaced.isEmpty();
    }

    /**
     * Writes the merged file atomically (a temporary file in the same folder, then a rename), through a
     * symbolic link to its target, with the permissions the file had (new: {@code newPermissions}).
     */
    void write(Set<java.nio.file.attribute.PosixFilePermission> newPermissions, String what, String fix) {
        Path target = file;
        try {
            if (Files.isSymbolicLink(file)) {
                target = file.toRealPath();
            }
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Set<java.nio.file.attribute.PosixFilePermission> perms = newPermissions;
            if (Files.exists(target)) {
                if (!Files.isWritable(target)) {
                    throw new UserError(ExitCodes.FAILED, what + " " + Printable.quote(file.toString())
                            + " is not writable by this user; " + fix + " (nothing was changed)");
                }
                try {
                    perms = Files.getPosixFilePermissions(target);
                } catch (UnsupportedOperationException e) {
                    perms = null;
                }
            }
            PrivateFiles.replace(target, content.getBytes(StandardCharsets.UTF_8), perms);
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILED, what + " " + Printable.quote(file.toString()) + " cannot be written: "
                    + PrivateFiles.reason(e) + "; " + fix + " (nothing was changed)");
        }
    }
}
