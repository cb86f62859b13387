package dev.migrate.cluster.preflight;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.Trees;

import java.util.List;

/**
 * Loki accepts OTLP logs with structured metadata: its running config (GET /config, YAML) has
 * {@code limits_config.allow_structured_metadata: true} and the newest schema period is v13 on
 * tsdb (Loki 3.x docs, "Ingesting logs to Loki using OpenTelemetry Collector").
 */
public final class LokiOtlpCheck implements PreflightCheck {
    @Override
    public String name() {
        return "loki-otlp";
    }

    @Override
    public String description() {
        return "Loki accepts OTLP with structured metadata (allow_structured_metadata, schema v13 + tsdb)";
    }

    @Override
    public CheckResult run(PreflightContext ctx) {
        String text;
        try {
            text = ctx.lokiConfig().get();
        } catch (UserError e) {
            return CheckResult.fail(name(), "cannot read Loki's /config via " + ctx.lokiSource() + ": " + e.getMessage(),
                    "Loki is not running, or the loki-service setting names the wrong service:port",
                    "check kubectl -n " + ctx.settings().namespace() + " get svc, set loki-service:, or pass --loki-url");
        }
        Object config;
        try {
            config = Json.YAML.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            config = null;
        }
        if (!(config instanceof java.util.Map<?, ?>)) {
            return CheckResult.fail(name(), ctx.lokiSource() + " /config did not answer a YAML mapping (first line: "
                            + text.lines().findFirst().orElse("") + ")",
                    "the address is not Loki's HTTP port", "set loki-service: to Loki's service:port (e.g. loki:3100) or pass --loki-url");
        }
        String allow = Trees.text(config, "limits_config", "allow_structured_metadata");
        List<Object> periods = Trees.list(config, "schema_config", "configs");
        Object last = periods.isEmpty() ? null : periods.get(periods.size() - 1);
        String schema = Trees.text(last, "schema");
        String store = Trees.text(last, "store");
        String observed = "allow_structured_metadata=" + (allow.isEmpty() ? "(absent)" : allow)
                + ", newest schema period " + (last == null ? "(none)" : schema + "/" + store
                + " from " + Trees.text(last, "from")) + " (via " + ctx.lokiSource() + ")";
        if (!"true".equals(allow)) {
            return CheckResult.fail(name(), observed,
                    "Loki drops or rejects OTLP log attributes without structured metadata",
                    "set limits_config.allow_structured_metadata: true in Loki's values (default since Loki 3.0)");
        }
        if (!"v13".equals(schema) || !"tsdb".equals(store)) {
            return CheckResult.fail(name(), observed,
                    "structured metadata needs schema v13 on the tsdb store",
                    "add a schema_config period from a future date with schema: v13 and store: tsdb");
        }
        return CheckResult.pass(name(), observed);
    }
}
