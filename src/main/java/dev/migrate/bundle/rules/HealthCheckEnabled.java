package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.List;
import java.util.Map;

/**
 * The Deployment's probes have something to talk to: a health_check extension, enabled in
 * service.extensions, on the port the probes use.
 */
public final class HealthCheckEnabled extends CollectorRule {
    public static final String NAME = "collector.health-check";

    public HealthCheckEnabled() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        String fix = "define extensions.health_check with endpoint 0.0.0.0:13133 and list it in service.extensions";
        List<Map.Entry<String, JsonNode>> defined = Parsed.ofType(config, "extensions", "health_check");
        List<String> enabled = Parsed.texts(config.path("service").path("extensions"));
        Map.Entry<String, JsonNode> hc = defined.stream().filter(e -> enabled.contains(e.getKey())).findFirst().orElse(null);
        if (hc == null) {
            return CheckResult.fail(NAME, defined.isEmpty() ? "no health_check extension"
                            : "health_check defined but not listed in service.extensions",
                    "the liveness and readiness probes would fail and the pod would never become ready", fix);
        }
        String endpoint = hc.getValue().path("endpoint").asText("localhost:13133");
        String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
        String probePort = probePort(bundle);
        if (probePort != null && !probePort.equals(port)) {
            return CheckResult.fail(NAME, "health_check listens on " + port + " but the probes use port " + probePort,
                    "the probes would fail and the pod would never become ready",
                    "make extensions." + hc.getKey() + ".endpoint 0.0.0.0:" + probePort + " or change the probe port");
        }
        return CheckResult.pass(NAME, hc.getKey() + " on " + endpoint + (probePort == null ? "" : ", probes use " + probePort));
    }

    /** The readiness probe's port as a number, resolving a named container port. */
    private static String probePort(Bundle bundle) {
        JsonNode container = Parsed.object(bundle, "Deployment")
                .map(d -> d.path("spec").path("template").path("spec").path("containers").path(0)).orElse(null);
        if (container == null) {
            return null;
        }
        JsonNode port = container.path("readinessProbe").path("httpGet").path("port");
        if (port.isNumber()) {
            return port.asText();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asText();
            }
        }
        return null;
    }
}
