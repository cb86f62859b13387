package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the real collector (0.149) refuses at start that the other rules do not see: an unknown
 * top-level section, and for the processors whose settings are few (memory_limiter, batch,
 * deltatocumulative) an unknown key, a value of the wrong type (a number given as a word or a
 * quoted string, a duration Go cannot parse) or limits that contradict each other. The key lists
 * are the 0.149 config structs', each checked against the real collector's validate
 * (OfflineRulesVsRealCollectorTest); components with large settings (receivers, exporters,
 * health_check) are left to the collector.
 */
public final class ComponentSettings extends CollectorRule {
    public static final String NAME = "collector.component-settings";
    static final Set<String> SECTIONS = Set.of("receivers", "processors", "exporters", "extensions", "connectors", "service");
    private static final String DURATION = "duration";
    private static final String INT = "integer";
    private static final String LIST = "list";
    static final Map<String, Map<String, String>> SCHEMAS = Map.of(
            "memory_limiter", Map.of("check_interval", DURATION, "limit_mib", INT, "spike_limit_mib", INT,
                    "limit_percentage", INT, "spike_limit_percentage", INT,
                    "min_gc_interval_when_soft_limited", DURATION, "min_gc_interval_when_hard_limited", DURATION),
            "batch", Map.of("timeout", DURATION, "send_batch_size", INT, "send_batch_max_size", INT,
                    "metadata_keys", LIST, "metadata_cardinality_limit", INT),
            "deltatocumulative", Map.of("max_stale", DURATION, "max_streams", INT));

    public ComponentSettings() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        config.fieldNames().forEachRemaining(section -> {
            if (!SECTIONS.contains(section)) {
                problems.add("unknown top-level section '" + section + "'");
            }
        });
        int checked = 0;
        for (Map.Entry<String, Map<String, String>> schema : SCHEMAS.entrySet()) {
            for (Map.Entry<String, JsonNode> component : Parsed.ofType(config, "processors", schema.getKey())) {
                checked++;
                String where = "processors." + component.getKey();
                JsonNode body = resolved(component.getValue(), bundle);
                for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> setting = it.next();
                    String type = schema.getValue().get(setting.getKey());
                    if (type == null) {
                        problems.add(where + " has no setting '" + setting.getKey() + "' (it has "
                                + String.join(", ", new java.util.TreeSet<>(schema.getValue().keySet())) + ")");
                    } else if (!fits(type, setting.getValue())) {
                        problems.add(where + "." + setting.getKey() + " is " + setting.getValue() + ", not " + (type.equals(INT) ? "an " : "a ") + type
                                + (type.equals(DURATION) ? " such as 5s or 2h" : ""));
                    }
                }
                if (schema.getKey().equals("memory_limiter") && body.path("limit_mib").isIntegralNumber()
                        && body.path("spike_limit_mib").isIntegralNumber() && body.path("limit_mib").asLong() > 0
                        && body.path("spike_limit_mib").asLong() >= body.path("limit_mib").asLong()) {
                    problems.add(where + ".spike_limit_mib " + body.path("spike_limit_mib") + " is not below limit_mib "
                            + body.path("limit_mib"));
                }
                if (schema.getKey().equals("batch") && body.path("send_batch_max_size").asLong(0) > 0
                        && body.path("send_batch_max_size").asLong() < body.path("send_batch_size").asLong(8192)) {
                    problems.add(where + ".send_batch_max_size " + body.path("send_batch_max_size")
                            + " is below send_batch_size " + body.path("send_batch_size").asText("8192"));
                }
            }
        }
        return Verdict.of(NAME, problems, checked + " processor(s) with known settings, all valid",
                "the collector refuses this config at start (CrashLoopBackOff): no telemetry is received at all",
                "fix the named settings (the collector's own docs list each component's settings), then run deploy --dry-run again");
    }

    /** The component's settings as the collector reads them, ${env:...} values expanded from the Deployment. */
    private static JsonNode resolved(JsonNode body, Bundle bundle) {
        if (!body.isObject()) {
            return body;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = body.deepCopy();
        body.fields().forEachRemaining(f -> copy.set(f.getKey(), Parsed.resolved(f.getValue(), bundle)));
        return copy;
    }

    private static boolean fits(String type, JsonNode v) {
        return switch (type) {
            case INT -> v.isIntegralNumber();
            case LIST -> v.isArray();
            default -> v.isTextual() && v.asText().matches("0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+") || v.isIntegralNumber() && v.asLong() == 0;
        };
    }
}
