package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The collector container's memory limit is above every memory_limiter's limit_mib. */
public final class MemoryLimitAboveLimiter extends CollectorRule {
    public static final String NAME = "deployment.memory-limit-above-limiter";
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?");
    private static final Map<String, Double> UNIT = Map.of("Ki", 1024d, "Mi", 1024d * 1024, "Gi", 1024d * 1024 * 1024,
            "Ti", 1024d * 1024 * 1024 * 1024, "k", 1e3, "M", 1e6, "G", 1e9, "T", 1e12);

    public MemoryLimitAboveLimiter() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<Map.Entry<String, JsonNode>> limiters = Parsed.ofType(config, "processors", "memory_limiter");
        if (limiters.isEmpty()) {
            return CheckResult.skipped(NAME, "no memory_limiter; see " + MemoryLimiterFirst.NAME);
        }
        Optional<JsonNode> deployment = Parsed.object(bundle, "Deployment");
        JsonNode limit = deployment.map(d -> d.path("spec").path("template").path("spec").path("containers").path(0)
                .path("resources").path("limits").path("memory")).orElse(null);
        Optional<Double> limitMib = limit == null || !limit.isValueNode() ? Optional.empty() : mebibytes(limit.asText());
        if (limitMib.isEmpty()) {
            return CheckResult.fail(NAME, "collector container has no readable memory limit ("
                            + (limit == null || limit.isMissingNode() ? "none" : limit.asText()) + ")",
                    "without a limit above limit_mib the pod can take the node's memory, or be OOM-killed before "
                            + "the limiter acts",
                    "set resources.limits.memory (600Mi) above the memory_limiter's limit_mib (512)");
        }
        for (Map.Entry<String, JsonNode> limiter : limiters) {
            JsonNode mib = limiter.getValue().path("limit_mib");
            if (!mib.isNumber()) {
                continue; // limit_percentage is relative to the container limit: always below it
            }
            if (limitMib.get() <= mib.asDouble()) {
                return CheckResult.fail(NAME, "container memory limit " + limit.asText() + " <= " + limiter.getKey()
                                + " limit_mib " + mib.asText(),
                        "the kernel OOM-kills the collector before memory_limiter ever refuses data",
                        "raise resources.limits.memory above " + mib.asText() + "Mi (600Mi for limit_mib 512) or lower limit_mib");
            }
        }
        return CheckResult.pass(NAME, "container limit " + limit.asText() + " > limit_mib "
                + limiters.get(0).getValue().path("limit_mib").asText("(percentage)"));
    }

    /** A Kubernetes memory quantity in MiB, or empty if it is not one. */
    static Optional<Double> mebibytes(String quantity) {
        Matcher m = QUANTITY.matcher(quantity.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        double bytes = new BigDecimal(m.group(1)).doubleValue() * (m.group(2) == null ? 1 : UNIT.get(m.group(2)));
        return Optional.of(bytes / (1024 * 1024));
    }
}
