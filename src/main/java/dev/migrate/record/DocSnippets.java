package dev.migrate.record;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ready-to-paste pieces for the homelab docs the phase plan names: a row for the VIPs table, the
 * LoadBalancer Services table, the components table and the version history, and a monitoring
 * section. Each is built from the deploy the ledger recorded (name, VIP, namespace, image) and the
 * rendered Service (ports).
 */
public final class DocSnippets {
    public static final String VIPS = "vips-row";
    public static final String LOAD_BALANCERS = "loadbalancer-services-row";
    public static final String COMPONENTS = "components-row";
    public static final String VERSION_HISTORY = "version-history-row";
    public static final String MONITORING = "monitoring-section";

    private DocSnippets() {
    }

    /** Snippet name to its markdown, in the order the snippets file lists them. */
    public static Map<String, String> of(RecordSources s) {
        String name = serviceName(s);
        String dns = s.settings().vipDnsName().orElse("-");
        String version = s.collectorVersion().orElse("not recorded");
        Map<String, String> out = new LinkedHashMap<>();
        out.put(VIPS, "| " + name + " | " + s.vip() + " | " + dns + " | Cilium L2 |\n");
        out.put(LOAD_BALANCERS, "| " + name + " | " + s.vip() + " | " + RebuildGuide.servicePorts(s) + " | "
                + s.namespace() + " |\n");
        out.put(COMPONENTS, "| OTel Collector | " + version + " |\n");
        boolean retired = s.facts().step("retire").done();
        out.put(VERSION_HISTORY, "| " + s.lastDay() + " | v" + s.version() + ": OTel Collector " + version
                + " on LoadBalancer " + s.vip() + " (" + s.namespace() + "/" + name + "), Claude Code metrics to Prometheus"
                + " and events to Loki" + (retired ? "; the Docker Compose stack retired" : "") + " |\n");
        out.put(MONITORING, monitoring(s, name, dns, version));
        return out;
    }

    private static String serviceName(RecordSources s) {
        for (String id : s.deploy().detail("objects").split(",")) {
            if (id.startsWith("Service/")) {
                return id.substring(id.lastIndexOf('/') + 1);
            }
        }
        return "otel-collector"; // the bundle's Service name; older deploy records listed no objects
    }

    private static String monitoring(RecordSources s, String name, String dns, String version) {
        String address = dns.equals("-") ? s.vip() : dns + " (" + s.vip() + ")";
        return "### Claude Code telemetry\n\n"
                + "| | |\n|---|---|\n"
                + "| collector | " + name + " in " + s.namespace() + ", " + s.deployedImage().orElse("OTel Collector " + version) + " |\n"
                + "| VIP | " + address + ", OTLP gRPC 4317, OTLP HTTP 4318 |\n"
                + "| purpose | receives Claude Code's OTLP metrics and events; metrics to Prometheus (ServiceMonitor "
                + name + "), events to Loki |\n\n"
                + "Client environment (`migrate client-env --machine-name " + RecordSources.MACHINE_PLACEHOLDER + "`):\n\n"
                + "```sh\n" + s.clientEnv() + "```\n\n"
                + "Events in Loki (Grafana Explore, datasource Loki):\n\n"
                + "```logql\n" + RecordSources.LOKI_QUERY + "\n```\n";
    }
}
