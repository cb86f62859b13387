package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The collector's own metrics are where the ServiceMonitor's {@code telemetry} endpoint and the soak look:
 * a pull prometheus reader in service.telemetry.metrics on the Deployment's {@code telemetry} port.
 * Listening on 0.0.0.0 is {@link ListenEndpoints}' job; the names the reader gives are
 * {@link SelfMetricNames}' (the real collector 0.149 gives no {@code __datapoints__} names with any
 * of its options, so the reader's {@code without_units} is not demanded).
 */
public final class SelfMetrics extends CollectorRule {
    public static final String NAME = "collector.self-metrics";
    /** The container port name the ServiceMonitor's second endpoint scrapes. */
    static final String PORT_NAME = "telemetry";

    public SelfMetrics() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        String expected = containerPort(bundle);
        JsonNode metrics = config.path("service").path("telemetry").path("metrics");
        List<String> ports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> reader : Parsed.selfMetricsReaders(config)) {
            ports.add(reader.getValue().path("port").asText("(no port)"));
        }
        // The pre-readers form (address: host:port).
        String address = metrics.path("address").asText("");
        if (!address.isEmpty()) {
            ports.add(address.substring(address.lastIndexOf(':') + 1));
        }
        if (expected != null && !ports.contains(expected)) {
            problems.add(ports.isEmpty()
                    ? "the Deployment exposes port " + PORT_NAME + " (" + expected + ") but service.telemetry.metrics has "
                            + "no pull prometheus reader (the default serves localhost only)"
                    : "service.telemetry.metrics serves on port " + String.join(", ", ports) + " but the Deployment's "
                            + PORT_NAME + " port is " + expected);
        }
        String passed = ports.isEmpty() ? "not served (the Deployment has no " + PORT_NAME + " port)"
                : "own metrics on port " + String.join(", ", ports)
                        + (expected == null ? "" : ", scraped through port " + PORT_NAME);
        return Verdict.of(NAME, problems, passed,
                "the ServiceMonitor's telemetry endpoint would be down: the soak's "
                        + "data-flowing, receiver-not-refusing and exporter-not-failing checks end inconclusive",
                "under service.telemetry.metrics.readers use pull.exporter.prometheus with host: 0.0.0.0, port: "
                        + (expected == null ? "8888" : expected));
    }

    /** The number of the collector container's port named telemetry, or null when it has none. */
    private static String containerPort(Bundle bundle) {
        JsonNode ports = Parsed.object(bundle, "Deployment")
                .map(d -> d.path("spec").path("template").path("spec").path("containers").path(0).path("ports"))
                .orElse(null);
        if (ports != null) {
            for (JsonNode p : ports) {
                if (p.path("name").asText().equals(PORT_NAME)) {
                    return p.path("containerPort").asText();
                }
            }
        }
        return null;
    }
}
