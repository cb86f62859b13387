package dev.migrate.backport;

import java.util.List;

/**
 * The v1.1.1 Compose stack the backport upgrades (rommelporras/claude-code-monitoring v1.1.1): its services (container_name = service name), host ports and named
 * volumes. Compose names a volume {@code <project>_<key>}, the project being the directory's name.
 */
public final class OldStack {
    public static final String VERSION = "v1.1.1";
    public static final String COLLECTOR = "claude-otel-collector";
    public static final String PROMETHEUS = "claude-prometheus";
    public static final String GRAFANA = "claude-grafana";
    /** Host ports v1.1.1 published: OTLP gRPC, OTLP HTTP, the collector's Prometheus exporter, Prometheus, Grafana. */
    public static final List<Integer> PORTS = List.of(4317, 4318, 8889, 9090, 3030);

    /**
     * A named volume of v1.1.1 and where its service mounts it.
     *
     * @param key   the key under volumes: in the compose file
     * @param mount the path the data lives at inside the container
     */
    public record Volume(String key, String service, String mount) {
        /** The real volume name in project {@code project}. */
        public String realName(String project) {
            return project + "_" + key;
        }
    }

    public static final List<Volume> VOLUMES = List.of(
            new Volume("claude_prometheus_data", PROMETHEUS, "/prometheus"),
            new Volume("claude_grafana_data", GRAFANA, "/var/lib/grafana"));

    private OldStack() {
    }
}
