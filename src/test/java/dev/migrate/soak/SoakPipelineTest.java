package dev.migrate.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.Main;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in soak analysis, with the real edges (verify's HTTP clients and OTLP probe), against
 * the loopback pipeline verify uses: the real collector running the rendered config, scraped by a real
 * Prometheus 3, and a Loki double. Every check is judged for the right reason, including the ones this world cannot answer.
 */
class SoakPipelineTest {
    @TempDir
    Path dir;

    @Test
    void theBuiltInChecksJudgeALoopbackPipeline() throws Exception {
        try (PipelineWorld world = new PipelineWorld(2)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = System.out;
            int code;
            try {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                code = Main.run("soak", "--state-dir", dir.resolve("state").toString(), "--duration", "12s", "--interval", "3s",
                        "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                        "--otlp-endpoint", world.collector.httpEndpoint());
            } finally {
                System.setOut(out);
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            JsonNode report = Json.MAPPER.readTree(Files.readString(dir.resolve("state/soak/report.json")));
            Map<String, String> status = new LinkedHashMap<>();
            report.path("results").forEach(r -> status.put(r.path("name").asText(), r.path("status").asText()));
            // This world has no kube-state-metrics: the restart check cannot decide, so the soak cannot pass.
            assertEquals(ExitCodes.INCONCLUSIVE, code, text);
            assertEquals(Map.ofEntries(
                    Map.entry("collector-up", "PASS"),
                    Map.entry("synthetic-round-trip", "PASS"),
                    Map.entry("data-flowing", "PASS"),
                    Map.entry("client-metrics-arriving", "PASS"),
                    Map.entry("client-token-rate", "PASS"),
                    Map.entry("loki-events-arriving", "PASS"),
                    Map.entry("collector-not-restarting", "INCONCLUSIVE"),
                    Map.entry("collector-not-oom-killed", "PASS"),
                    Map.entry("receiver-not-refusing", "PASS"),
                    Map.entry("memory-limiter-not-refusing", "PASS"),
                    Map.entry("exporter-not-failing", "PASS"),
                    Map.entry("coverage", "PASS")), status, text);
            // the probe really went through the real collector into Prometheus, once per cycle (one probe_id each)
            String probes = world.prometheus.get("/api/v1/query?query=count(migrate_probe_total)");
            assertTrue(probes.contains("\"" + report.path("cycles").asLong() + "\"]"), probes + "\n" + text);
            assertTrue(Files.readString(dir.resolve("state/soak/report.html")).contains("<polyline class=\"series round-trip\""));
        }
    }
}
