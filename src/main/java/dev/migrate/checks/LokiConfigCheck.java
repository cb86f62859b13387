package dev.migrate.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;

/**
 * kind loki-config: Loki's running config ({@code GET /config}) keeps structured metadata
 * ({@code limits_config.allow_structured_metadata}, default true since 3.0) on a schema that can
 * store it (the newest schema_config entry is v13 on tsdb). Without it, event_name is lost.
 */
final class LokiConfigCheck extends SpecCheck {
    LokiConfigCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        String yaml = ctx.loki().runningConfig();
        JsonNode root;
        try {
            root = Json.YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            return fail("GET /config is not YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""),
                    "--loki-url does not point at Loki", "point --loki-url at Loki's HTTP port (3100)");
        }
        if (root == null || !root.isObject()) {
            return fail("GET /config answered no configuration", "--loki-url does not point at Loki",
                    "point --loki-url at Loki's HTTP port (3100)");
        }
        JsonNode allow = root.path("limits_config").path("allow_structured_metadata");
        boolean allowed = allow.isMissingNode() || allow.asBoolean(false) || "true".equals(allow.asText());
        JsonNode configs = root.path("schema_config").path("configs");
        JsonNode newest = configs.isArray() && configs.size() > 0 ? configs.get(configs.size() - 1) : null;
        String schema = newest == null ? "unknown" : newest.path("schema").asText("unknown");
        String store = newest == null ? "unknown" : newest.path("store").asText("unknown");
        String observed = "allow_structured_metadata=" + (allow.isMissingNode() ? "(default true)" : allow.asText())
                + ", newest schema " + schema + " on " + store;
        if (!allowed) {
            return fail(observed, "Loki drops structured metadata, so event_name/tool_name/session_id are lost",
                    "set limits_config.allow_structured_metadata: true in Loki's values and upgrade the release");
        }
        if (newest != null && (!"v13".equals(schema) || !"tsdb".equals(store))) {
            return fail(observed, "structured metadata needs schema v13 on the tsdb store",
                    "add a schema_config entry from a future date with schema: v13, store: tsdb");
        }
        return pass(observed);
    }
}
