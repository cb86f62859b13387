package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pieces find each other: the Deployment's selector matches its pods, the Service selects those
 * pods and targets ports they expose, and the ServiceMonitor selects the Service, in its namespace,
 * by a port name the Service has.
 */
public final class SelectorsConsistent extends NamedRule {
    public static final String NAME = "selectors.consistent";

    public SelectorsConsistent() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        Optional<JsonNode> deployment = Parsed.object(bundle, "Deployment");
        Optional<JsonNode> service = Parsed.object(bundle, "Service");
        Optional<JsonNode> monitor = Parsed.object(bundle, "ServiceMonitor");
        if (deployment.isEmpty() || service.isEmpty() || monitor.isEmpty()) {
            return CheckResult.fail(NAME, "bundle lacks " + (deployment.isEmpty() ? "a Deployment" : service.isEmpty()
                            ? "a Service" : "a ServiceMonitor"),
                    "the collector cannot be reached or scraped without all three", "restore the missing manifest");
        }
        List<String> problems = new ArrayList<>();
        JsonNode pod = deployment.get().path("spec").path("template");
        JsonNode podLabels = pod.path("metadata").path("labels");
        JsonNode deploySelector = deployment.get().path("spec").path("selector").path("matchLabels");
        subset("Deployment spec.selector.matchLabels", deploySelector, "its pod template labels", podLabels, problems);

        JsonNode serviceSelector = service.get().path("spec").path("selector");
        subset("Service spec.selector", serviceSelector, "the collector pod labels", podLabels, problems);
        List<String> containerPorts = new ArrayList<>();
        pod.path("spec").path("containers").forEach(c -> c.path("ports").forEach(p -> {
            containerPorts.add(p.path("name").asText());
            containerPorts.add(p.path("containerPort").asText());
        }));
        List<String> servicePorts = new ArrayList<>();
        for (JsonNode port : service.get().path("spec").path("ports")) {
            servicePorts.add(port.path("name").asText());
            String target = port.path("targetPort").asText(port.path("port").asText());
            if (!containerPorts.contains(target)) {
                problems.add("Service port " + port.path("name").asText() + " targets " + target
                        + ", which the collector container does not expose");
            }
        }

        JsonNode monitorSpec = monitor.get().path("spec");
        subset("ServiceMonitor spec.selector.matchLabels", monitorSpec.path("selector").path("matchLabels"),
                "the Service's labels", service.get().path("metadata").path("labels"), problems);
        List<String> namespaces = Parsed.texts(monitorSpec.path("namespaceSelector").path("matchNames"));
        String serviceNamespace = service.get().path("metadata").path("namespace").asText();
        boolean anyNamespace = monitorSpec.path("namespaceSelector").path("any").asBoolean(false);
        if (!anyNamespace && !namespaces.isEmpty() && !namespaces.contains(serviceNamespace)) {
            problems.add("ServiceMonitor namespaceSelector " + namespaces + " does not include " + serviceNamespace);
        }
        for (JsonNode endpoint : monitorSpec.path("endpoints")) {
            String port = endpoint.path("port").asText();
            if (!servicePorts.contains(port)) {
                problems.add("ServiceMonitor endpoint port '" + port + "' is not a Service port name " + servicePorts);
            }
        }
        return Verdict.of(NAME, problems, "Deployment, Service and ServiceMonitor select each other on " + serviceSelector,
                "a selector or port name that matches nothing leaves the Service without endpoints or the collector "
                        + "unscraped, with no error anywhere",
                "use the same labels (app.kubernetes.io/name: otel-collector) in the Deployment selector, pod template, "
                        + "Service selector and labels, and ServiceMonitor selector; name ports consistently");
    }

    /** Records a problem unless every key=value of {@code selector} is in {@code labels}. */
    private static void subset(String what, JsonNode selector, String target, JsonNode labels, List<String> problems) {
        if (selector.isEmpty()) {
            problems.add(what + " is empty");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                problems.add(what + " " + e.getKey() + "=" + e.getValue().asText() + " does not match " + target);
            }
        }
    }
}
