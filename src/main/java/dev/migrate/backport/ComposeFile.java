package dev.migrate.backport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docker-compose.yml of the backport: the collector with the bundle's image, environment and memory
 * limit, Prometheus, Grafana and Loki, every image pinned.
 *
 * <p>Upgrade choices: the three v1.1.1 services keep their names (and container names), so
 * `docker compose up -d` in the v1.1.1 directory replaces those containers instead of colliding with
 * them on the same ports and names. The v1.1.1 volumes keep their keys <em>and</em> get an explicit
 * {@code name:} equal to the real name Compose gave them ({@code <project>_<key>}), so the data is
 * found whether the file is run from the v1.1.1 directory or from any other. Not {@code external:}:
 * that would make a fresh install (no v1.1.1 volumes) fail instead of creating them. No top-level
 * {@code name:}: Debian's docker-compose 1.29 rejects it. Restart {@code unless-stopped}: unlike
 * v1.1.1's {@code always}, a container stopped with `docker compose stop` stays stopped when the
 * Docker daemon restarts.
 */
public final class ComposeFile {
    public static final String FILE = "docker-compose.yml";
    /** Top-level extension key (ignored by Compose) that marks the file as ours and names its project. */
    public static final String MARKER = "x-migrate";
    public static final String LOKI = "loki";
    public static final String LOKI_CONTAINER = "claude-loki";
    public static final String LOKI_VOLUME = "claude_loki_data";
    public static final String RESTART = "unless-stopped";
    static final String COLLECTOR_CONFIG_IN_CONTAINER = "/etc/otelcol-contrib/config.yaml";

    private ComposeFile() {
    }

    /** The file as a tree (maps and lists), for the rules and the writer. */
    public static Map<String, Object> tree(BackportSources s) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("generated-by", "migrate backport");
        marker.put("project", s.project());
        marker.put("upgrades", OldStack.VERSION);
        root.put(MARKER, marker);

        Map<String, Object> services = new LinkedHashMap<>();
        JsonNode c = s.collectorContainer();
        Map<String, Object> collector = service(c.path("image").asText(), OldStack.COLLECTOR);
        collector.put("command", List.of("--config=" + COLLECTOR_CONFIG_IN_CONTAINER));
        Map<String, Object> env = new LinkedHashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        collector.put("environment", env);
        collector.put("volumes", List.of("./" + StackFiles.COLLECTOR_CONFIG + ":" + COLLECTOR_CONFIG_IN_CONTAINER + ":ro"));
        collector.put("ports", List.of(port(OldStack.OTEL_GRPC_PORT, s.containerPort("otlp-grpc")),
                port(OldStack.OTEL_HTTP_PORT, s.containerPort("otlp-http")),
                port(OldStack.OTEL_METRICS_PORT, s.containerPort("prometheus"))));
        String memory = composeMemory(c.path("resources").path("limits").path("memory").asText());
        if (!memory.isEmpty()) {
            collector.put("mem_limit", memory); // above memory_limiter's limit_mib, as the bundle rule checks
        }
        collector.put("depends_on", List.of(LOKI));
        services.put(OldStack.COLLECTOR, collector);

        Map<String, Object> prometheus = service(s.settings().backportPrometheusImage(), OldStack.PROMETHEUS);
        prometheus.put("command", List.of("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=" + retention(s).ref()));
        prometheus.put("volumes", List.of("./" + StackFiles.PROMETHEUS_CONFIG + ":/etc/prometheus/prometheus.yml:ro",
                "./" + StackFiles.PROMETHEUS_RULES_DIR + ":/etc/prometheus/rules:ro",
                OldStack.VOLUMES.get(0).key() + ":" + OldStack.VOLUMES.get(0).mount()));
        prometheus.put("ports", List.of(port(OldStack.PROMETHEUS_PORT, 9090)));
        prometheus.put("depends_on", List.of(OldStack.COLLECTOR));
        services.put(OldStack.PROMETHEUS, prometheus);

        Map<String, Object> grafana = service(s.settings().backportGrafanaImage(), OldStack.GRAFANA);
        grafana.put("volumes", List.of(OldStack.VOLUMES.get(1).key() + ":" + OldStack.VOLUMES.get(1).mount(),
                "./" + StackFiles.GRAFANA_PROVISIONING + ":/etc/grafana/provisioning:ro",
                "./" + StackFiles.GRAFANA_DASHBOARDS + ":" + StackFiles.DASHBOARDS_IN_CONTAINER + ":ro"));
        Map<String, Object> grafanaEnv = new LinkedHashMap<>();
        grafanaEnv.put("GF_SECURITY_ADMIN_USER", OldStack.GRAFANA_ADMIN_USER.ref());
        grafanaEnv.put("GF_SECURITY_ADMIN_PASSWORD", OldStack.GRAFANA_ADMIN_PASSWORD.ref());
        grafanaEnv.put("GF_USERS_ALLOW_SIGN_UP", "false"); // as v1.1.1
        grafana.put("environment", grafanaEnv);
        grafana.put("ports", List.of(port(OldStack.GRAFANA_PORT, 3000)));
        grafana.put("depends_on", List.of(OldStack.PROMETHEUS, LOKI));
        services.put(OldStack.GRAFANA, grafana);

        Map<String, Object> loki = service(s.settings().backportLokiImage(), LOKI_CONTAINER);
        loki.put("command", List.of("-config.file=/etc/loki/loki.yaml"));
        loki.put("volumes", List.of("./" + StackFiles.LOKI_CONFIG + ":/etc/loki/loki.yaml:ro", LOKI_VOLUME + ":/loki"));
        loki.put("ports", List.of(port(OldStack.LOKI_PORT, 3100)));
        services.put(LOKI, loki);
        root.put("services", services);

        Map<String, Object> volumes = new LinkedHashMap<>();
        for (OldStack.Volume v : OldStack.VOLUMES) {
            volumes.put(v.key(), StackFiles.map("name", v.realName(s.project())));
        }
        volumes.put(LOKI_VOLUME, StackFiles.map("name", s.project() + "_" + LOKI_VOLUME));
        root.put("volumes", volumes);
        return root;
    }

    public static String text(BackportSources s) {
        try {
            return "# Claude Code monitoring for Docker Compose (v2.0.0), written by `migrate backport` from the same\n"
                    + "# collector config, dashboard and alert rules as the Kubernetes bundle. Regenerate it rather than\n"
                    + "# editing it. Upgrading from " + OldStack.VERSION + ": `docker compose up -d` in the same directory\n"
                    + "# replaces the three old containers and keeps the Prometheus and Grafana data (volumes: below).\n"
                    + "# It reads the same variables as " + OldStack.VERSION + ", from the environment or .env, with the same defaults:\n"
                    + String.join("", variables(s).stream().map(v -> "#   " + v.name() + " (default " + v.defaultValue() + "): "
                    + v.what() + "\n").toList())
                    + Json.YAML.writeValueAsString(tree(s));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of maps and strings is always YAML", e);
        }
    }

    private static Map<String, Object> service(String image, String containerName) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", image);
        m.put("container_name", containerName);
        m.put("restart", RESTART);
        return m;
    }

    /** "${VAR:-default}:container": the host port v1.1.1's variable names, with its default. */
    private static String port(OldStack.Variable hostPort, int containerPort) {
        return hostPort.ref() + ":" + containerPort;
    }

    /** v1.1.1's PROMETHEUS_RETENTION, defaulting to the backport-prometheus-retention setting. */
    static OldStack.Variable retention(BackportSources s) {
        return new OldStack.Variable(OldStack.PROMETHEUS_RETENTION, Values.format(s.settings().backportPrometheusRetention()),
                "how long Prometheus keeps data");
    }

    /** Every variable the file reads, for its header and the README snippet. */
    public static List<OldStack.Variable> variables(BackportSources s) {
        return List.of(OldStack.OTEL_GRPC_PORT, OldStack.OTEL_HTTP_PORT, OldStack.OTEL_METRICS_PORT, OldStack.PROMETHEUS_PORT,
                retention(s), OldStack.GRAFANA_PORT, OldStack.GRAFANA_ADMIN_USER, OldStack.GRAFANA_ADMIN_PASSWORD,
                OldStack.LOKI_PORT);
    }

    /** A Compose value with every ${VAR:-default} replaced by its default (what Compose uses when VAR is unset). */
    public static String withDefaults(String value) {
        return value.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)}", "$1");
    }

    /** A Kubernetes memory quantity as Compose writes it (binary units): 600Mi -> 600m; empty if not Mi/Gi. */
    static String composeMemory(String quantity) {
        if (quantity.matches("\\d+Mi")) {
            return quantity.substring(0, quantity.length() - 2) + "m";
        }
        if (quantity.matches("\\d+Gi")) {
            return quantity.substring(0, quantity.length() - 2) + "g";
        }
        return "";
    }
}
