package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;

/** No debug/logging exporter (events printed, never stored) and no deprecated loki exporter. */
public final class NoDebugOrLokiExporter extends CollectorRule {
    public static final String NAME = "collector.no-debug-or-loki-exporter";

    public NoDebugOrLokiExporter() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> found = new ArrayList<>();
        for (String id : Parsed.ids(config, "exporters")) {
            String type = Parsed.type(id);
            if (type.equals("debug") || type.equals("logging") || type.equals("loki")) {
                found.add(id);
            }
        }
        if (found.isEmpty()) {
            return CheckResult.pass(NAME, "exporters " + Parsed.ids(config, "exporters"));
        }
        return CheckResult.fail(NAME, "exporters " + found,
                "debug/logging only print telemetry to the pod log (the old stack lost every event this way); "
                        + "the loki exporter is deprecated and removed from recent contrib releases",
                "remove them; send logs with otlp_http to " + settings.lokiOtlpEndpoint() + " (the exporter appends /v1/logs)");
    }
}
