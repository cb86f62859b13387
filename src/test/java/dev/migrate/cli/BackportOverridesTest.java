package dev.migrate.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.backport.ComposeFile;
import dev.migrate.backport.ReleaseSnippets;
import dev.migrate.cluster.Trees;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backport keeps the user's v1.1.1 overrides: the same variables with the same defaults in
 * docker-compose.yml, an existing .env used as it is (read by Debian's real docker-compose 1.29,
 * `docker-compose config`, no daemon needed), and the v2.0.0 README section and CHANGELOG entry.
 */
class BackportOverridesTest {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    @TempDir
    Path dir;

    CliRun backport(String... extra) {
        List<String> a = new ArrayList<>(List.of("backport", "--state-dir", dir.resolve("state").toString(),
                "--docker-host", "unix://" + dir.resolve("no-docker.sock")));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    static Map<String, Object> composeConfig(Path project) throws Exception {
        DockerdProcess.Result r = DockerdProcess.run(List.of("/usr/bin/docker-compose", "config"), project, Map.of());
        assertEquals(0, r.code(), "docker-compose config refused the file: " + r.err() + r.out());
        return Json.YAML.readValue(r.out(), TREE);
    }

    static List<String> hostPorts(Map<String, Object> config, String service) {
        List<String> out = new ArrayList<>();
        if (Trees.at(config, "services", service, "ports") instanceof List<?> ports) {
            ports.forEach(p -> out.add(String.valueOf(Trees.at(p, "published") != null ? Trees.at(p, "published")
                    : String.valueOf(p).split(":")[0])));
        }
        return out;
    }

    @Test
    void theComposeFileReadsV1sVariablesWithV1sDefaults() throws Exception {
        Path out = dir.resolve("claude-monitoring");
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode());
        String compose = Files.readString(out.resolve(ComposeFile.FILE)).replace("\"", "");
        for (String ref : List.of("${OTEL_GRPC_PORT:-4317}:4317", "${OTEL_HTTP_PORT:-4318}:4318", "${OTEL_METRICS_PORT:-8889}:8889",
                "${PROMETHEUS_PORT:-9090}:9090", "${GRAFANA_PORT:-3030}:3000", "--storage.tsdb.retention.time=${PROMETHEUS_RETENTION:-200h}",
                "GF_SECURITY_ADMIN_USER: ${GRAFANA_ADMIN_USER:-admin}", "GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:-admin}")) {
            assertTrue(compose.contains(ref), ref + " missing from:\n" + compose);
        }
        Map<String, Object> config = composeConfig(out);
        assertEquals(List.of("3030"), hostPorts(config, "claude-grafana"), "unset variables: v1.1.1's defaults");
        assertEquals(List.of("4317", "4318", "8889"), hostPorts(config, "claude-otel-collector"));
    }

    @Test
    void anExistingEnvFileIsKeptAsItIsAndStillApplies() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("claude-monitoring"));
        Files.writeString(v1.resolve("docker-compose.yml"), ComposeFixture.stack());
        String env = "GRAFANA_PORT=3999\nGRAFANA_ADMIN_USER=ops\nGRAFANA_ADMIN_PASSWORD=not-admin\nPROMETHEUS_RETENTION=720h\nOTEL_GRPC_PORT=14317\n";
        Files.writeString(v1.resolve(".env"), env);

        CliRun run = backport("--out", v1.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(env, Files.readString(v1.resolve(".env")), ".env is the user's: not touched");
        assertTrue(!run.out().contains("not-admin") && !run.err().contains("not-admin"), "the password is never printed");

        Map<String, Object> config = composeConfig(v1);
        assertEquals(List.of("3999"), hostPorts(config, "claude-grafana"));
        assertEquals("14317", hostPorts(config, "claude-otel-collector").get(0));
        assertEquals("ops", Trees.text(config, "services", "claude-grafana", "environment", "GF_SECURITY_ADMIN_USER"));
        assertEquals("not-admin", Trees.text(config, "services", "claude-grafana", "environment", "GF_SECURITY_ADMIN_PASSWORD"));
        assertTrue(String.valueOf(Trees.at(config, "services", "claude-prometheus", "command"))
                .contains("--storage.tsdb.retention.time=720h"), String.valueOf(Trees.at(config, "services", "claude-prometheus")));
    }

    @Test
    void theV2ReadmeSectionAndChangelogEntryAreWrittenAsSnippets() throws Exception {
        Path out = dir.resolve("claude-monitoring");
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode());
        String snippets = Files.readString(out.resolve(ReleaseSnippets.FILE));
        Map<String, Object> compose = Json.YAML.readValue(out.resolve(ComposeFile.FILE).toFile(), TREE);
        assertTrue(snippets.contains("## Upgrading from v1.1.1 to v2.0.0"), snippets);
        assertTrue(snippets.contains("## [2.0.0] - YYYY-MM-DD"), snippets);
        assertTrue(snippets.contains("| `GRAFANA_PORT` | `3030` |"), snippets);
        assertTrue(snippets.contains("ClaudeCodeDailySpendHigh"), "the alerts the stack ships: " + snippets);
        for (String service : List.of("claude-otel-collector", "claude-prometheus", "claude-grafana", "loki")) {
            String image = Trees.text(compose, "services", service, "image");
            assertTrue(snippets.contains("`" + image + "`"), "the snippets name the image the file runs, " + image);
        }
        assertTrue(snippets.contains("claude-monitoring_claude_grafana_data"), snippets);
    }
}
