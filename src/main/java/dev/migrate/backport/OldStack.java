package dev.migrate.backport;

import java.util.List;

/**
 * The v1.1.1 Compose stack the backport upgrades (rommelporras/claude-code-monitoring v1.1.1,
 * shared REFERENCE.md §1): its services (container_name = service name), host ports and named
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

    /**
     * A variable v1.1.1's docker-compose.yml reads from the environment or .env, with its default
     * there ({@code ${GRAFANA_PORT:-3030}}). The backport reads the same names with the same defaults,
     * so a user's overrides keep working and their .env is used as it is.
     */
    public record Variable(String name, String defaultValue, String what) {
        /** The Compose expression: the value, or the default when unset or empty. */
        public String ref() {
            return "${" + name + ":-" + defaultValue + "}";
        }
    }

    public static final Variable OTEL_GRPC_PORT = new Variable("OTEL_GRPC_PORT", "4317", "host port of OTLP gRPC");
    public static final Variable OTEL_HTTP_PORT = new Variable("OTEL_HTTP_PORT", "4318", "host port of OTLP HTTP");
    public static final Variable OTEL_METRICS_PORT = new Variable("OTEL_METRICS_PORT", "8889",
            "host port of the collector's Prometheus exporter");
    public static final Variable PROMETHEUS_PORT = new Variable("PROMETHEUS_PORT", "9090", "host port of Prometheus");
    public static final Variable GRAFANA_PORT = new Variable("GRAFANA_PORT", "3030", "host port of Grafana");
    public static final Variable GRAFANA_ADMIN_USER = new Variable("GRAFANA_ADMIN_USER", "admin", "Grafana's admin user");
    public static final Variable GRAFANA_ADMIN_PASSWORD = new Variable("GRAFANA_ADMIN_PASSWORD", "admin",
            "Grafana's admin password (used when grafana.db is first created)");
    /** Prometheus' retention; its default in the backport is the backport-prometheus-retention setting (v1.1.1: 200h). */
    public static final String PROMETHEUS_RETENTION = "PROMETHEUS_RETENTION";
    /** Not in v1.1.1: Loki's host port, named the same way. */
    public static final Variable LOKI_PORT = new Variable("LOKI_PORT", "3100", "host port of Loki (new in the backport)");

    public static final List<Volume> VOLUMES = List.of(
            new Volume("claude_prometheus_data", PROMETHEUS, "/prometheus"),
            new Volume("claude_grafana_data", GRAFANA, "/var/lib/grafana"));

    private OldStack() {
    }
}
