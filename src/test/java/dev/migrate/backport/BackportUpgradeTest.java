package dev.migrate.backport;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.cluster.Trees;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The upgrade from v1.1.1 on a real Docker engine (dockerd with no bridge and no NAT) and Debian's
 * docker-compose 1.29: a v1.1.1-shaped project in a directory named claude-monitoring writes bytes
 * into its two named volumes; `migrate backport --out` that directory; `docker-compose up -d` from
 * it; the same volumes, byte for byte (sha256 of every file, modes, owners, links), are mounted by
 * the new containers, and no new Prometheus or Grafana volume appeared.
 *
 * <p>Test-only override, because no registry is reachable and the engine has no bridge: a
 * docker-compose.override.yml (which docker-compose reads next to docker-compose.yml) gives every
 * service the locally imported busybox image, {@code network_mode: none} and an entrypoint that
 * sleeps (ignoring the real images' arguments). Everything else (service and container names,
 * volumes and their names, restart policy, mounts) is the generated file as a user would run it.
 */
class BackportUpgradeTest {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };
    static DockerdProcess d;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        d = DockerdProcess.start();
        d.importBusybox(ComposeFixture.IMAGE);
    }

    @AfterAll
    static void stop() {
        if (d != null) {
            d.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void upgradingFromV1KeepsTheVolumesAndTheirBytes() throws Exception {
        Path project = ComposeFixture.up(d, tmp, "claude-monitoring", ComposeFixture.stack());
        ComposeFixture.writeFiles(d, project, "claude-prometheus", "/prometheus", 512);
        ComposeFixture.writeFiles(d, project, "claude-grafana", "/var/lib/grafana", 64);
        Map<String, String> before = new LinkedHashMap<>();
        for (OldStack.Volume v : OldStack.VOLUMES) {
            before.put(v.realName("claude-monitoring"), ComposeFixture.snapshot(d, v.realName("claude-monitoring")));
        }
        Set<String> volumesBefore = ComposeFixture.volumeNames(d);

        CliRun run = CliRun.of("backport", "--state-dir", tmp.resolve("state").toString(), "--out", project.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());

        Map<String, Object> compose = Json.YAML.readValue(project.resolve(ComposeFile.FILE).toFile(), TREE);
        StringBuilder override = new StringBuilder("# test only: local image, no network, a sleeping entrypoint\nservices:\n");
        for (Object service : ((Map<String, Object>) compose.get("services")).keySet()) {
            override.append("  ").append(service).append(":\n    image: ").append(ComposeFixture.IMAGE)
                    .append("\n    network_mode: none\n")
                    .append("    entrypoint: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 100000 & wait\"]\n");
        }
        Files.writeString(project.resolve("docker-compose.override.yml"), override.toString());
        d.compose(project, "up", "-d", "--remove-orphans");

        for (String container : java.util.List.of(OldStack.COLLECTOR, OldStack.PROMETHEUS, OldStack.GRAFANA, ComposeFile.LOKI_CONTAINER)) {
            assertEquals("running unless-stopped", d.docker("inspect", "-f", "{{.State.Status}} {{.HostConfig.RestartPolicy.Name}}",
                    container).strip(), container);
        }
        for (OldStack.Volume v : OldStack.VOLUMES) {
            String real = v.realName("claude-monitoring");
            String mounted = d.docker("inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"" + v.mount() + "\"}}{{.Name}}{{end}}{{end}}",
                    v.service()).strip();
            assertEquals(real, mounted, v.service() + " mounts the v1.1.1 volume at " + v.mount());
            assertEquals(before.get(real), ComposeFixture.snapshot(d, real), real + " kept byte for byte");
        }
        Set<String> added = new java.util.TreeSet<>(ComposeFixture.volumeNames(d));
        added.removeAll(volumesBefore);
        assertEquals(Set.of("claude-monitoring_claude_loki_data"), added, "only Loki's volume is new");
        assertTrue(Trees.text(compose, "volumes", "claude_prometheus_data", "name").equals("claude-monitoring_claude_prometheus_data"));

        // restart unless-stopped: a stopped stack stays stopped when the daemon restarts (v1.1.1's always did not)
        d.compose(project, "stop");
        d.restart();
        assertEquals(Set.of(), ComposeFixture.runningNames(d, "claude-monitoring"), "nothing came back after the daemon restart");
    }
}
