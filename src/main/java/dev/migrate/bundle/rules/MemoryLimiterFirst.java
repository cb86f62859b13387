package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** memory_limiter is the first processor of every pipeline. */
public final class MemoryLimiterFirst extends CollectorRule {
    public static final String NAME = "collector.memory-limiter-first";

    public MemoryLimiterFirst() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> pipeline : Parsed.pipelines(config)) {
            List<String> processors = Parsed.texts(pipeline.getValue().path("processors"));
            if (processors.isEmpty() || !Parsed.type(processors.get(0)).equals("memory_limiter")) {
                problems.add("pipeline " + pipeline.getKey() + " processors " + processors);
            }
        }
        return Verdict.of(NAME, problems, "memory_limiter first in every pipeline",
                "without memory_limiter first, a burst of telemetry is buffered before anything can refuse it "
                        + "and the collector is OOM-killed",
                "define processors.memory_limiter (check_interval 1s, limit_mib ${env:MEMORY_LIMIT_MIB}, spike_limit_mib "
                        + "${env:MEMORY_SPIKE_LIMIT_MIB}, which the Deployment sets from collector-memory-limit) and list it "
                        + "first in every pipeline's processors");
    }
}
