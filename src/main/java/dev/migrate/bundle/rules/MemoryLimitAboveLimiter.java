package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.CollectorMemory;
import dev.migrate.settings.Settings;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector container's memory limit is above every memory_limiter's limit_mib with headroom
 * ({@link CollectorMemory#MAX_LIMITER_SHARE}), and GOMEMLIMIT, if set, below it: the limiter reads the
 * Go heap, the kernel the whole process.
 */
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
                    "set the collector-memory-limit setting (default " + CollectorMemory.DEFAULT + ") and keep resources.limits.memory from it");
        }
        double container = limitMib.get();
        long most = (long) Math.floor(container * CollectorMemory.MAX_LIMITER_SHARE);
        String fix = "set collector-memory-limit (it derives limit_mib, spike and GOMEMLIMIT with their headroom); with your "
                + "own collector config keep limit_mib at most " + Math.round(100 * CollectorMemory.MAX_LIMITER_SHARE)
                + "% of the container limit (" + most + " for " + limit.asText() + ")";
        String shown = "";
        for (Map.Entry<String, JsonNode> limiter : limiters) {
            JsonNode mib = Parsed.resolved(limiter.getValue().path("limit_mib"), bundle);
            if (!mib.isNumber()) {
                continue; // limit_percentage is relative to the container limit; a word is collector.component-settings'
            }
            if (mib.asDouble() > most) {
                return CheckResult.fail(NAME, limiter.getKey() + " limit_mib " + mib.asText() + " is "
                                + Math.round(100 * mib.asDouble() / container) + "% of the container memory limit " + limit.asText()
                                + " (at most " + Math.round(100 * CollectorMemory.MAX_LIMITER_SHARE) + "%)",
                        "the limiter reads the Go heap, the kernel counts the whole process, whose RSS peaked a third above "
                                + "limit_mib on the real collector: the kernel OOM-kills it before memory_limiter ever refuses data",
                        fix);
            }
            shown = "limit_mib " + mib.asText() + " is " + Math.round(100 * mib.asDouble() / container) + "% of";
        }
        Optional<Double> goMemLimit = deployment.flatMap(d -> goMemLimitMib(d.at("/spec/template/spec/containers/0/env")));
        if (goMemLimit.isPresent() && goMemLimit.get() >= container) {
            return CheckResult.fail(NAME, "GOMEMLIMIT " + Math.round(goMemLimit.get()) + "MiB is not below the container limit "
                            + limit.asText(), "Go's GC lets the heap grow up to it, past what the kernel allows", fix);
        }
        return CheckResult.pass(NAME, (shown.isEmpty() ? "limit_percentage, of" : shown) + " the container limit " + limit.asText()
                + " (at most " + Math.round(100 * CollectorMemory.MAX_LIMITER_SHARE) + "%)"
                + goMemLimit.map(g -> ", GOMEMLIMIT " + Math.round(g) + "MiB below it").orElse(""));
    }

    /** GOMEMLIMIT from the container's env in MiB (Go's units: B, KiB, MiB, GiB, TiB), if set. */
    static Optional<Double> goMemLimitMib(JsonNode env) {
        for (JsonNode e : env) {
            if (e.path("name").asText().equals("GOMEMLIMIT")) {
                Matcher m = Pattern.compile("(\\d+)(B|KiB|MiB|GiB|TiB)?").matcher(e.path("value").asText().trim());
                if (m.matches()) {
                    double unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                        case "KiB" -> 1d / 1024;
                        case "MiB" -> 1;
                        case "GiB" -> 1024;
                        case "TiB" -> 1024d * 1024;
                        default -> 1d / (1024 * 1024);
                    };
                    return Optional.of(Double.parseDouble(m.group(1)) * unit);
                }
            }
        }
        return Optional.empty();
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
