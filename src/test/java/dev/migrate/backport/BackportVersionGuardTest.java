package dev.migrate.backport;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.DockerdProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backport's version guard on a real dockerd (no bridge, no NAT): the v1.1.1 containers are
 * created (never started) from images imported with the metadata published images carry (a version
 * label, a VERSION variable, a version tag, or nothing), because no registry is reachable here.
 * The backport must refuse to start an older Grafana or Prometheus on their volumes, name both
 * versions and the setting, and say what it could not determine instead of guessing.
 */
class BackportVersionGuardTest {
    static DockerdProcess dockerd;

    @TempDir
    Path dir;
    Path v1;

    @BeforeAll
    static void start() throws Exception {
        dockerd = DockerdProcess.start();
        dockerd.importBusybox(ComposeFixture.IMAGE);
        dockerd.importImage("test-grafana:13", "LABEL org.opencontainers.image.version=13.0.1");
        dockerd.importImage("test-grafana:old", "LABEL org.opencontainers.image.version=11.6.0");
        dockerd.importImage("test-grafana:env", "ENV GRAFANA_VERSION=12.0.2");
        dockerd.importImage("grafana/grafana:latest"); // as pulled: a tag that names no version, no label
        dockerd.importImage("prom/prometheus:v3.11.2"); // the version only in the tag it was pulled as
        dockerd.importImage("test-prometheus:old", "LABEL org.opencontainers.image.version=v3.5.0");
    }

    @AfterAll
    static void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
    }

    @AfterEach
    void removeContainers() {
        for (String name : List.of(OldStack.GRAFANA, OldStack.PROMETHEUS)) {
            DockerdProcess.run(List.of("docker", "-H", dockerd.host(), "rm", "-f", name), null, null);
        }
    }

    /** The v1.1.1 containers of project claude-monitoring, created from these images (as Compose labels them). */
    void v1Containers(String grafanaImage, String prometheusImage) throws Exception {
        for (String[] c : List.of(new String[] {OldStack.GRAFANA, grafanaImage}, new String[] {OldStack.PROMETHEUS, prometheusImage})) {
            dockerd.docker("create", "--name", c[0], "--network", "none", "--label", "com.docker.compose.project=claude-monitoring",
                    "--label", "com.docker.compose.service=" + c[0], c[1], "sh");
        }
        v1 = Files.createDirectories(dir.resolve("claude-monitoring"));
        Files.writeString(v1.resolve("docker-compose.yml"), ComposeFixture.stack());
    }

    CliRun backport(String settings, String... extra) throws Exception {
        Path config = Files.writeString(dir.resolve("migrate.yaml"), settings);
        List<String> a = new ArrayList<>(List.of("backport", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--docker-host", dockerd.host()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    static List<String> tree(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aNewerGrafanaIsNeverReplacedByAnOlderOneAndBothVersionsAndTheSettingAreNamed() throws Exception {
        v1Containers("test-grafana:13", "test-prometheus:old");
        List<String> before = tree(v1);
        CliRun run = backport("", "--out", v1.toString());
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.out() + run.err());
        String line = run.errorLine();
        assertTrue(line.contains("claude-grafana runs Grafana 13.0.1 (label org.opencontainers.image.version), newer than"
                + " grafana/grafana:12.1.1"), line);
        assertTrue(line.contains("on the same volume claude-monitoring_claude_grafana_data"), line);
        assertTrue(line.contains("set backport-grafana-image to 13.0.1 or newer, e.g. grafana/grafana:13.0.1"), line);
        assertTrue(line.endsWith("(nothing was written)"), line);
        assertFalse(line.contains("Prometheus"), "Prometheus 3.5.0 -> 3.10.0 is an upgrade: " + line);
        assertEquals(before, tree(v1), "nothing was written");

        CliRun pinned = backport("backport-grafana-image: grafana/grafana:13.0.1\n", "--out", v1.toString());
        assertEquals(ExitCodes.OK, pinned.exitCode(), pinned.err());
        assertTrue(Files.readString(v1.resolve("docker-compose.yml")).contains("image: grafana/grafana:13.0.1"));
        assertTrue(pinned.out().contains("claude-grafana runs Grafana 13.0.1"), pinned.out());
    }

    @Test
    void aNewerPrometheusKnownOnlyFromItsTagIsRefusedToo() throws Exception {
        v1Containers("test-grafana:old", "prom/prometheus:v3.11.2");
        CliRun run = backport("", "--out", v1.toString());
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("claude-prometheus runs Prometheus v3.11.2 (image tag prom/prometheus:v3.11.2), newer than"
                + " prom/prometheus:v3.10.0"), run.err());
        assertTrue(run.errorLine().contains("backport-prometheus-image"), run.err());
        assertFalse(run.errorLine().contains("claude-grafana"), "Grafana 11.6.0 -> 12.1.1 is an upgrade");
    }

    @Test
    void aVersionInTheImagesEnvironmentCounts() throws Exception {
        v1Containers("test-grafana:env", "test-prometheus:old");
        CliRun run = backport("", "-o", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), "without --out it only prints: " + run.err());
        var versions = Json.MAPPER.readTree(run.out()).get("versions");
        assertEquals("safe", versions.get(0).get("verdict").asText(), versions.toString());
        assertTrue(versions.get(0).get("text").asText().contains("Grafana 12.0.2 (image environment GRAFANA_VERSION)"), versions.toString());
    }

    @Test
    void anImageWithNoVersionIsNotGuessedButNamedWithHowToConfirmByHand() throws Exception {
        v1Containers("grafana/grafana:latest", "test-prometheus:old");
        CliRun run = backport("", "--out", v1.toString());
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.out() + run.err());
        String line = run.errorLine();
        assertTrue(line.contains("could not determine the Grafana version claude-grafana runs: image grafana/grafana:latest"), line);
        assertTrue(line.contains("confirm by hand with curl -s http://localhost:${GRAFANA_PORT:-3030}/api/health"), line);
        assertTrue(line.contains("then set backport-grafana-image to that version or newer"), line);
        assertFalse(Files.exists(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX)), "nothing was written");

        CliRun confirmed = backport("backport-grafana-image: grafana/grafana:12.3.0\n", "--out", v1.toString());
        assertEquals(ExitCodes.OK, confirmed.exitCode(), confirmed.err());
        assertTrue(confirmed.out().contains("backport-grafana-image grafana/grafana:12.3.0 was set by you (file "), confirmed.out());
    }

    @Test
    void anEngineThatCannotBeAskedIsSaidNotSilentlyPassed() throws Exception {
        Path out = dir.resolve("fresh");
        Path config = Files.writeString(dir.resolve("migrate.yaml"), "");
        CliRun run = CliRun.of("backport", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--docker-host", "unix://" + dir.resolve("no-docker.sock"), "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.errorLine().startsWith("migrate: warning: could not ask Docker which Grafana claude-grafana runs"), run.err());
        assertTrue(run.errorLine().contains("/api/health"), run.err());
    }

    @Test
    void noV1ContainersMeansNothingToCompare() throws Exception {
        Path out = dir.resolve("fresh");
        CliRun run = backport("", "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("no claude-grafana container in project claude-monitoring"), run.out());
    }
}
