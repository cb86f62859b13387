package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Every listening endpoint says 0.0.0.0 explicitly: the OTLP receivers, the health_check extension,
 * the prometheus exporter and, when configured, the collector's own metrics (service.telemetry.metrics). Since collector v0.104 a missing endpoint means localhost, which
 * neither the LoadBalancer, the kubelet probes nor Prometheus can reach.
 */
public final class ListenEndpoints extends CollectorRule {
    public static final String NAME = "collector.listen-0.0.0.0";

    public ListenEndpoints() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        List<String> checked = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> otlp : Parsed.ofType(config, "receivers", "otlp")) {
            JsonNode protocols = otlp.getValue().path("protocols");
            if (protocols.isEmpty()) {
                problems.add("receivers." + otlp.getKey() + " enables no protocol");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = protocols.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                endpoint("receivers." + otlp.getKey() + ".protocols." + p.getKey(), p.getValue(), checked, problems);
            }
        }
        // Other receivers (zipkin, jaeger/..., a second otlp/name is covered above): check the endpoint they state.
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("receivers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> r = it.next();
            if (!Parsed.type(r.getKey()).equals("otlp") && r.getValue().path("endpoint").isTextual()) {
                endpoint("receivers." + r.getKey(), r.getValue(), checked, problems);
            }
        }
        for (Map.Entry<String, JsonNode> hc : Parsed.ofType(config, "extensions", "health_check")) {
            endpoint("extensions." + hc.getKey(), hc.getValue(), checked, problems);
        }
        for (Map.Entry<String, JsonNode> prom : Parsed.ofType(config, "exporters", "prometheus")) {
            endpoint("exporters." + prom.getKey(), prom.getValue(), checked, problems);
        }
        telemetryReaders(config, checked, problems);
        return Verdict.of(NAME, problems, String.join(", ", checked),
                "since collector v0.104 endpoints default to localhost, which the LoadBalancer, the kubelet probes "
                        + "and Prometheus cannot reach: the collector runs but receives and serves nothing",
                "write the endpoint as 0.0.0.0:<port>, e.g. endpoint: 0.0.0.0:4317 (for service.telemetry.metrics "
                        + "readers: host: 0.0.0.0 with port: 8888)");
    }

    /**
     * The collector's own metrics: each pull reader's prometheus exporter states host and port
     * separately. Not configured at all is fine (nothing to scrape, nothing to check); a reader
     * without host defaults to localhost, which the ServiceMonitor's telemetry endpoint cannot reach.
     */
    private static void telemetryReaders(JsonNode config, List<String> checked, List<String> problems) {
        for (Map.Entry<String, JsonNode> reader : Parsed.selfMetricsReaders(config)) {
            String path = reader.getKey();
            JsonNode prometheus = reader.getValue();
            JsonNode host = prometheus.path("host");
            String port = prometheus.path("port").asText("(no port)");
            if (!host.isTextual()) {
                problems.add(path + " has no host (defaults to localhost)");
            } else if (!host.asText().equals("0.0.0.0")) {
                problems.add(path + ".host is " + host.asText());
            } else {
                checked.add("0.0.0.0:" + port);
            }
        }
        // The pre-readers form (address: host:port), still read by older collectors.
        JsonNode metrics = config.path("service").path("telemetry").path("metrics");
        if (metrics.path("address").isTextual()) {
            endpoint("service.telemetry.metrics", metrics.get("address"), "address", checked, problems);
        }
    }

    private static void endpoint(String path, JsonNode component, List<String> checked, List<String> problems) {
        endpoint(path, component.path("endpoint"), "endpoint", checked, problems);
    }

    private static void endpoint(String path, JsonNode endpoint, String key, List<String> checked, List<String> problems) {
        if (!endpoint.isTextual()) {
            problems.add(path + " has no " + key + " (defaults to localhost)");
        } else if (!endpoint.asText().startsWith("0.0.0.0:")) {
            problems.add(path + "." + key + " is " + endpoint.asText());
        } else {
            checked.add(endpoint.asText());
        }
    }
}
