package dev.migrate.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.bundle.rules.VipInPool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** One line per object for the plan: what it is, in the operator's terms. */
public final class ObjectSummary {
    private ObjectSummary() {
    }

    public static String of(ManifestObject object) {
        JsonNode o = Json.MAPPER.valueToTree(object.body());
        return switch (object.kind()) {
            case "ConfigMap" -> configMap(o);
            case "Deployment" -> deployment(o);
            case "Service" -> service(o);
            case "ServiceMonitor" -> serviceMonitor(o);
            case "PrometheusRule" -> prometheusRule(o);
            default -> object.apiVersion() + " " + object.kind();
        };
    }

    private static String configMap(JsonNode o) {
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("data").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String text = e.getValue().asText();
            keys.add(e.getKey() + " (" + kib(text) + ", " + abbrev(BundleRenderer.sha256(text)) + ")");
        }
        String line = "data " + String.join(", ", keys);
        if ("1".equals(o.path("metadata").path("labels").path("grafana_dashboard").asText())) {
            line += "; Grafana dashboard, folder '" + o.path("metadata").path("annotations").path("grafana_folder").asText("General") + "'";
        }
        return line;
    }

    private static String deployment(JsonNode o) {
        JsonNode spec = o.path("spec");
        JsonNode c = spec.path("template").path("spec").path("containers").path(0);
        JsonNode res = c.path("resources");
        return spec.path("replicas").asText("1") + " replica of " + c.path("image").asText()
                + ", requests " + res.path("requests").path("cpu").asText() + "/" + res.path("requests").path("memory").asText()
                + ", limits " + res.path("limits").path("cpu").asText() + "/" + res.path("limits").path("memory").asText()
                + ", probes on " + probePort(c)
                + ", config " + abbrev(spec.path("template").path("metadata").path("annotations")
                .path(BundleRenderer.CHECKSUM_ANNOTATION).asText("(no checksum)"));
    }

    /** The readiness probe's port, with the number when it is a named container port. */
    private static String probePort(JsonNode container) {
        String port = container.path("readinessProbe").path("httpGet").path("port").asText("(none)");
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port)) {
                return port + " (" + p.path("containerPort").asText() + ")";
            }
        }
        return port;
    }

    private static String service(JsonNode o) {
        List<String> ports = new ArrayList<>();
        o.path("spec").path("ports").forEach(p -> ports.add(p.path("name").asText() + " " + p.path("port").asText()));
        List<String> ranges = new ArrayList<>();
        o.path("spec").path("loadBalancerSourceRanges").forEach(r -> ranges.add(r.asText()));
        return o.path("spec").path("type").asText("ClusterIP") + " "
                + o.path("metadata").path("annotations").path(VipInPool.ANNOTATION).asText("(no VIP)")
                + ", ports " + String.join(", ", ports)
                + (ranges.isEmpty() ? ", open to any client" : ", clients from " + String.join(", ", ranges));
    }

    private static String serviceMonitor(JsonNode o) {
        List<String> endpoints = new ArrayList<>();
        o.path("spec").path("endpoints").forEach(e -> endpoints.add("port " + e.path("port").asText() + " "
                + e.path("path").asText("/metrics") + " every " + e.path("interval").asText("(Prometheus default)")));
        return "scrapes " + String.join(", ", endpoints) + "; release=" + o.path("metadata").path("labels").path("release").asText("(none)");
    }

    private static String prometheusRule(JsonNode o) {
        List<String> alerts = new ArrayList<>();
        o.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> alerts.add(
                r.hasNonNull("alert") ? r.get("alert").asText() : "record " + r.path("record").asText())));
        return "alerts " + String.join(", ", alerts) + "; release=" + o.path("metadata").path("labels").path("release").asText("(none)");
    }

    /** sha256: plus the first 12 hex digits, enough to tell versions apart in a plan. */
    private static String abbrev(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    private static String kib(String text) {
        return String.format(java.util.Locale.ROOT, "%.1f KiB", text.getBytes(StandardCharsets.UTF_8).length / 1024.0);
    }
}
