package dev.migrate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.Main;
import dev.migrate.data.DataFiles;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.PipelineWorld;
import dev.migrate.testsupport.RealChain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults produced for real: a flood past memory_limiter, the collector killed mid-soak, Prometheus stopped. */
class RealFaultsTest {
    @TempDir
    Path dir;

    /**
     * memory_limiter lowered to 40 MiB (spike 8 MiB) so a test-sized flood crosses it; the rest is the
     * bundle's config. The collector refuses instead of growing, says so in its refused counters, and
     * soak's receiver-not-refusing query reads above 0 (its failure condition).
     */
    @Test
    void aFloodPastTheMemoryLimiterIsRefusedAndSoakSeesIt() {
        try (RealChain chain = RealChain.start("processors::memory_limiter::limit_mib=40",
                "processors::memory_limiter::spike_limit_mib=8")) {
            String refused = null;
            // Payloads below the receiver's 4 MiB gRPC message limit, so it is the limiter that refuses.
            try (ClaudeCodeClient flood = chain.client("grpc", "claude-code", "flood")) {
                // A collector that ran before the flood: its refused counter scraped at 0 first, as in a
                // soak (a counter first seen already raised gives increase() nothing to count).
                flood.sessionStarted("before").export();
                chain.prometheus.awaitQuery("otelcol_receiver_refused_metric_points_total == 0", Duration.ofSeconds(30));
                for (int round = 0; round < 200 && refused == null; round++) {
                    for (int s = 0; s < 4_000; s++) {
                        String id = String.format(Locale.ROOT, "f-%03d-%04d", round, s);
                        flood.sessionStarted(id).cost(id, 1, SampleSessions.MODEL).tokens(id, "input", 100, SampleSessions.MODEL);
                    }
                    refused = flood.tryExport();
                    if (refused != null && refused.contains("timeout")) {
                        refused = null; // a slow answer on a busy machine, not the limiter's: keep flooding
                    }
                }
                // Clients keep sending while the limiter refuses: memory_limiter's own refused counter is
                // created by its first refusal, so increase() needs later ones to see it rise.
                for (int more = 0; more < 10 && refused != null; more++) {
                    flood.cost("after-" + more, 1, SampleSessions.MODEL);
                    flood.tryExport();
                    dev.migrate.testsupport.ManagedProcess.sleep(1000);
                }
            }
            assertTrue(refused != null, "the collector accepted the whole flood:\n" + chain.collector.logText());
            assertTrue(refused.contains("memory") || refused.contains("RESOURCE_EXHAUSTED") || refused.contains("UNAVAILABLE"), refused);
            assertTrue(chain.collector.isAlive(), "refusing, not crashing");
            chain.prometheus.awaitQuery("sum(otelcol_receiver_refused_metric_points_total) > 0", Duration.ofSeconds(30));
            String refusing = AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"), Duration.ofSeconds(60),
                    "monitoring").checks().stream().filter(c -> c.name().equals("receiver-not-refusing")).findFirst().orElseThrow().query();
            chain.prometheus.awaitQuery("(" + refusing + ") > 0", Duration.ofSeconds(30));
            // ... and the finding that names the setting to raise: memory_limiter's own refusals.
            dev.migrate.soak.AnalysisCheck memory = AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"),
                    Duration.ofSeconds(60), "monitoring").checks().stream().filter(c -> c.name().equals("memory-limiter-not-refusing"))
                    .findFirst().orElseThrow();
            chain.prometheus.awaitQuery("(" + memory.query() + ") > 0", Duration.ofSeconds(30));
            assertTrue(memory.fix().contains("collector-memory-limit"), memory.fix());
            assertTrue(chain.collector.logText().contains("memory"), chain.collector.logText());
        }
    }

    @Test
    void theCollectorKilledMidSoakFailsCyclesWhileDownAndPassesOnceBack() throws Exception {
        try (PipelineWorld world = new PipelineWorld(1)) {
            Path journal = dir.resolve("state/soak/journal.jsonl");
            // Killed between cycles (10 s apart, each ~6 s: the batch processor holds points up to 5 s),
            // so the next cycle meets a dead collector; back 8 s later, before the one after.
            CompletableFuture<Void> fault = CompletableFuture.runAsync(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (cycles(journal) < 1 && System.nanoTime() < deadline) {
                    dev.migrate.testsupport.ManagedProcess.sleep(50);
                }
                world.killCollector();
                dev.migrate.testsupport.ManagedProcess.sleep(8_000);
                world.restartCollector();
            });
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = System.out;
            try {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                Main.run("soak", "--state-dir", dir.resolve("state").toString(), "--duration", "35s", "--interval", "10s",
                        "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                        "--otlp-endpoint", world.collector.httpEndpoint());
            } finally {
                System.setOut(out);
            }
            fault.join();
            List<String> roundTrips = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("state/soak/journal.jsonl"))) {
                JsonNode rec = Json.MAPPER.readTree(line);
                if ("cycle".equals(rec.path("type").asText())) {
                    rec.path("results").forEach(r -> {
                        if (r.path("check").asText().equals("synthetic-round-trip")) {
                            roundTrips.add(r.path("status").asText().toLowerCase(Locale.ROOT));
                        }
                    });
                }
            }
            String seen = String.join(",", roundTrips) + "\n" + buf;
            // unreachable is recorded as an error (the probe could not be sent), a lost probe as a failure
            int firstFail = java.util.stream.IntStream.range(0, roundTrips.size())
                    .filter(i -> !roundTrips.get(i).equals("pass")).findFirst().orElse(-1);
            assertTrue(roundTrips.get(0).equals("pass"), seen);
            assertTrue(firstFail > 0, "a cycle failed while the collector was down: " + seen);
            assertTrue(roundTrips.subList(firstFail, roundTrips.size()).contains("pass"), "and passed again once it was back: " + seen);
            assertEquals("pass", roundTrips.get(roundTrips.size() - 1), seen);
        }
    }

    @Test
    void aStoppedPrometheusFailsTheChecksThatNeedItAndNamesIt() {
        try (PipelineWorld world = new PipelineWorld(1)) {
            String url = world.prometheus.url();
            world.prometheus.close();
            CliRun run = CliRun.of("verify", "--state-dir", dir.resolve("v").toString(), "-o", "json",
                    "--prometheus-url", url, "--loki-url", world.loki.url(), "--grafana-url", world.grafana.url(),
                    "--alertmanager-url", world.alertmanager.url(),
                    "--otlp-grpc-endpoint", world.collector.grpcEndpoint(), "--otlp-http-endpoint", world.collector.httpEndpoint());
            assertEquals(1, run.exitCode(), run.out() + run.err());
            JsonNode doc = RealPipelineTest.tree(run.out());
            Map<String, String> status = new java.util.TreeMap<>();
            Map<String, String> observed = new java.util.TreeMap<>();
            doc.get("results").forEach(r -> {
                status.put(r.get("name").asText(), r.get("status").asText());
                observed.put(r.get("name").asText(), r.toString());
            });
            for (String needsPrometheus : List.of("scrape-target", "metric-names", "client-data", "alert-rules")) {
                assertEquals("FAIL", status.get(needsPrometheus).toUpperCase(Locale.ROOT), observed.get(needsPrometheus));
                assertTrue(observed.get(needsPrometheus).contains(url.replace("http://", "")), observed.get(needsPrometheus));
            }
            for (String without : List.of("vip-reachable", "loki-events", "loki-config")) {
                assertEquals("PASS", status.get(without).toUpperCase(Locale.ROOT), observed.get(without));
            }
        }
    }

    private static long cycles(Path journal) {
        try {
            return Files.exists(journal) ? Files.readAllLines(journal).stream().filter(l -> l.contains("\"cycle\"")).count() : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

}
