package dev.migrate.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.backport.BackportPlan;
import dev.migrate.backport.ComposeFile;
import dev.migrate.backport.StackFiles;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.bundle.Promtool;
import dev.migrate.cluster.Trees;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import dev.migrate.testsupport.RealComponents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `migrate backport` through the CLI, its files checked by the real tools: Debian's docker-compose
 * 1.29 (`docker-compose config`), the real collector built by scripts/real-components
 * (`otelcol-migrate validate`), and Debian's promtool for the Prometheus config and rules. Loki and
 * Grafana are AGPL and not run here: their files are checked for the keys the issue names.
 */
class BackportCommandTest {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    @TempDir
    Path dir;

    CliRun backport(String... extra) {
        List<String> a = new ArrayList<>(List.of("backport", "--state-dir", dir.resolve("state").toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    Path rendered() {
        Path out = dir.resolve("claude-monitoring");
        CliRun run = backport("--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        return out;
    }

    static List<String> tree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void dockerComposeConfigAcceptsTheFileAndSeesTheOldVolumesPortsAndPinnedImages() throws Exception {
        Path out = rendered();
        DockerdProcess.Result r = DockerdProcess.run(List.of("/usr/bin/docker-compose", "config"), out, Map.of());
        assertEquals(0, r.code(), "docker-compose config refused the file: " + r.err() + r.out());
        Map<String, Object> config = Json.YAML.readValue(r.out(), TREE);
        assertEquals("claude-monitoring_claude_prometheus_data", Trees.text(config, "volumes", "claude_prometheus_data", "name"));
        assertEquals("claude-monitoring_claude_grafana_data", Trees.text(config, "volumes", "claude_grafana_data", "name"));
        Map<?, ?> services = (Map<?, ?>) config.get("services");
        assertEquals(java.util.Set.of("claude-otel-collector", "claude-prometheus", "claude-grafana", "loki"),
                java.util.Set.copyOf(services.keySet().stream().map(String::valueOf).toList()), "the v1.1.1 services keep their names");
        List<String> hostPorts = new ArrayList<>();
        for (Object name : services.keySet()) {
            Map<?, ?> s = (Map<?, ?>) services.get(name);
            assertEquals("unless-stopped", s.get("restart"), name + " can be stopped for good");
            String image = String.valueOf(s.get("image"));
            assertTrue(image.matches("[a-z0-9./-]+:v?[0-9][A-Za-z0-9._-]*"), name + " image pinned to a version: " + image);
            if (s.get("ports") instanceof List<?> ports) {
                ports.forEach(p -> hostPorts.add(String.valueOf(Trees.at(p, "published") != null ? Trees.at(p, "published")
                        : String.valueOf(p).split(":")[0])));
            }
        }
        assertEquals(List.of("3030", "3100", "4317", "4318", "8889", "9090"), hostPorts.stream().sorted().toList());
        assertEquals(Settings.defaults().collectorImage(), Trees.text(services, "claude-otel-collector", "image"),
                "the same pinned collector image as the bundle");
        assertEquals("http://loki:3100/otlp", Trees.text(services, "claude-otel-collector", "environment", "LOKI_OTLP_ENDPOINT"));
    }

    @Test
    void theRealCollectorValidatesTheCollectorConfig() throws Exception {
        Path otelcol = RealComponents.binary("otelcol", "otelcol-migrate");
        Path out = rendered();
        Map<String, Object> compose = Json.YAML.readValue(out.resolve(ComposeFile.FILE).toFile(), TREE);
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<?, ?>) Trees.at(compose, "services", "claude-otel-collector", "environment"))
                .forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        DockerdProcess.Result r = DockerdProcess.run(List.of(otelcol.toString(), "validate",
                "--config=" + out.resolve(StackFiles.COLLECTOR_CONFIG)), out, env);
        assertEquals(0, r.code(), "otelcol validate: " + r.out() + r.err());
    }

    @Test
    void theSameSourcesAsTheBundleWithComposeNetworking() throws Exception {
        Path out = rendered();
        Bundle bundle = BundleRenderer.render(Settings.defaults());
        assertEquals(bundle.collectorConfig(), Files.readString(out.resolve(StackFiles.COLLECTOR_CONFIG)),
                "the collector config is byte for byte the one the ConfigMap holds");
        assertEquals(bundle.dashboardJson(), Files.readString(out.resolve(StackFiles.DASHBOARD)),
                "the same dashboard JSON (the default datasource UIDs already are prometheus and loki)");
        JsonNode ds = Json.YAML.readTree(out.resolve(StackFiles.GRAFANA_DATASOURCES).toFile());
        assertEquals("prometheus", ds.at("/datasources/0/uid").asText());
        assertEquals("loki", ds.at("/datasources/1/uid").asText());
        JsonNode loki = Json.YAML.readTree(out.resolve(StackFiles.LOKI_CONFIG).toFile());
        assertTrue(loki.at("/limits_config/allow_structured_metadata").asBoolean());
        assertEquals("744h", loki.at("/limits_config/retention_period").asText());
        assertEquals("v13", loki.at("/schema_config/configs/0/schema").asText());
        String k8s = Files.readString(out.resolve("docs/kubernetes.md"));
        assertTrue(k8s.contains("kubectl --context CONTEXT apply --server-side --field-manager=claude-monitoring -k kubernetes/"), k8s);
        assertTrue(k8s.contains("## Upgrading from v1.1.1"), k8s);
        assertTrue(Files.readString(out.resolve("kubernetes/otel-collector.yaml"))
                .contains("http://loki.monitoring.svc.cluster.local:3100/otlp"), "the Kubernetes manifests keep the in-cluster Loki");

        CliRun custom = backport("--out", dir.resolve("custom").toString(), "--config",
                Files.writeString(dir.resolve("m.yaml"), "prometheus-datasource-uid: PBFA97CFB590B2093\nbackport-loki-retention: 72h\n").toString());
        assertEquals(ExitCodes.OK, custom.exitCode(), custom.err());
        assertFalse(Files.readString(dir.resolve("custom").resolve(StackFiles.DASHBOARD)).contains("PBFA97CFB590B2093"),
                "the Compose dashboard uses the Compose datasource UIDs, whatever the cluster's are");
        assertTrue(Files.readString(dir.resolve("custom").resolve(StackFiles.LOKI_CONFIG)).contains("retention_period: 72h"));
    }

    @Test
    void promtoolAcceptsThePrometheusConfigAndRules() throws Exception {
        Path out = rendered();
        Path prom = out.resolve("prometheus");
        // The config names the rules by their in-container path; check them where they are.
        Promtool.Run rules = Promtool.run(prom, "check", "rules", "rules/claude-code-alerts.yml");
        assertEquals(0, rules.exitCode(), rules.output());
        Files.writeString(prom.resolve("local.yml"), Files.readString(prom.resolve("prometheus.yml"))
                .replace("/etc/prometheus/rules/", "rules/"));
        Promtool.Run config = Promtool.run(prom, "check", "config", "local.yml");
        assertEquals(0, config.exitCode(), config.output());
        assertTrue(config.output().contains("SUCCESS: 1 rule files found"), config.output());
    }

    @Test
    void withoutOutItPrintsThePlanAndWritesNothing() throws Exception {
        CliRun run = backport();
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("pass  compose.v1-volumes-kept"), run.out());
        int rules = dev.migrate.bundle.BundleValidator.RULES.size() + 4; // the bundle's rules and the four Compose rules
        assertTrue(run.out().contains("Result: passed (" + rules + " of " + rules + " rules passed)"), run.out());
        assertEquals(List.of(""), tree(dir));
        JsonNode doc = Json.MAPPER.readTree(backport("-o", "json").out());
        assertEquals("passed", doc.get("outcome").asText());
        assertEquals(ComposeFile.FILE, doc.at("/files/0/path").asText());
    }

    @Test
    void aDirectoryHoldingAnotherComposeProjectIsRefusedAndNothingIsWritten() throws Exception {
        Path out = Files.createDirectories(dir.resolve("blog"));
        Files.writeString(out.resolve("docker-compose.yml"), "services:\n  web:\n    image: nginx:1.27\nvolumes:\n  html: {}\n");
        List<String> before = tree(out);
        CliRun run = backport("--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("holds a different Compose project ('blog', services [web])"), run.err());
        assertEquals(before, tree(out));

        Path ours = Files.createDirectories(dir.resolve("other-backport"));
        Files.writeString(ours.resolve("docker-compose.yml"), "x-migrate:\n  project: team-b\nservices: {}\n");
        run = backport("--out", ours.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("the backport of another Compose project ('team-b'"), run.err());
    }

    @Test
    void aNonEmptyDirectoryWithoutComposeFileAFileAndTheStateDirectoryAreRefused() throws Exception {
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "x");
        CliRun run = backport("--out", notes.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("is not empty and holds no Compose project (todo.txt)"), run.err());
        assertEquals(List.of("", "todo.txt"), tree(notes));

        run = backport("--out", notes.resolve("todo.txt").toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("is a file, not a directory"), run.err());

        run = backport("--out", dir.resolve("state/backport").toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("is inside the state directory"), run.err());
        assertFalse(Files.exists(dir.resolve("state/backport")));
    }

    @Test
    void anEarlierBackportIsBroughtUpToDateAndTheV1DirectoryUpgradedKeepingCopies() throws Exception {
        Path out = rendered();
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode(), "our own earlier backport");

        Path v1 = Files.createDirectories(dir.resolve("up/claude-monitoring"));
        String old = dev.migrate.retire.ComposeFixture.stack();
        Files.writeString(v1.resolve("docker-compose.yml"), old);
        CliRun run = backport("--out", v1.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(old, Files.readString(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX)), "the v1.1.1 file is kept");
        assertTrue(run.out().contains("kept the replaced file as docker-compose.yml.v1.1.1"), run.out());
        assertTrue(Files.readString(v1.resolve("docker-compose.yml")).contains("x-migrate:"));

        Path elsewhere = Files.createDirectories(dir.resolve("up/monitoring-old"));
        Files.writeString(elsewhere.resolve("docker-compose.yml"), old);
        run = backport("--out", elsewhere.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), "a v1.1.1-shaped file of another project ('monitoring-old'): " + run.err());
    }
}
