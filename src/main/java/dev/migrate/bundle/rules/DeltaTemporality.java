package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Claude Code's delta temporality is converted: every metrics pipeline that feeds a prometheus
 * exporter runs a deltatocumulative processor.
 */
public final class DeltaTemporality extends CollectorRule {
    public static final String NAME = "collector.delta-temporality";

    public DeltaTemporality() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> problems = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (Map.Entry<String, JsonNode> pipeline : Parsed.pipelines(config)) {
            boolean metrics = Parsed.type(pipeline.getKey()).equals("metrics");
            boolean toPrometheus = Parsed.texts(pipeline.getValue().path("exporters")).stream()
                    .anyMatch(id -> Parsed.type(id).equals("prometheus"));
            if (!metrics || !toPrometheus) {
                continue;
            }
            boolean converts = Parsed.texts(pipeline.getValue().path("processors")).stream()
                    .anyMatch(id -> Parsed.type(id).equals("deltatocumulative"));
            (converts ? ok : problems).add("pipeline " + pipeline.getKey());
        }
        if (problems.isEmpty()) {
            return CheckResult.pass(NAME, ok.isEmpty() ? "no metrics pipeline exports to prometheus"
                    : "deltatocumulative in " + String.join(", ", ok));
        }
        return CheckResult.fail(NAME, String.join(", ", problems) + " exports to prometheus without deltatocumulative",
                "Claude Code sends DELTA counters whose points never chain (each starts at its interval's first "
                        + "measurement); the prometheus exporter then replaces the total instead of adding, so cost and tokens "
                        + "read only the last point",
                "add processors.deltatocumulative (max_stale: 2h) to the metrics pipeline after memory_limiter");
    }
}
