package dev.migrate.soak;

import dev.migrate.testsupport.Sigint;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.PrometheusProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `migrate soak` as separate JVMs, the way an operator runs it: stopped with SIGINT, killed with
 * SIGKILL mid-way, resumed each time, against a real Prometheus on loopback. The verdict and the
 * coverage must come out of the journal right.
 */
class SoakProcessTest {
    static final String CATALOGUE = """
            checks:
              - name: prometheus-answers
                kind: promql
                query: vector(1)
                successCondition: result == 1
                failureCondition: result == 0
                noData: fail
            """;

    @TempDir
    Path dir;

    Process start(List<String> args, Path log) throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", cp, "dev.migrate.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    Path journal() {
        return dir.resolve("state/soak/journal.jsonl");
    }

    long cycles() throws IOException {
        if (!Files.exists(journal())) {
            return 0;
        }
        return Files.readAllLines(journal()).stream().filter(l -> l.contains("\"type\":\"cycle\"")).count();
    }

    void awaitCycles(long n, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (cycles() < n) {
            assertTrue(p.isAlive(), "soak exited early: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no " + n + " cycles in time: " + Files.readString(log));
            Thread.sleep(100);
        }
    }

    @Test
    void stoppedWithSigintKilledWithSigkillAndResumedItStillEndsWithTheRightVerdict() throws Exception {
        try (PrometheusProcess prom = PrometheusProcess.start(PrometheusProcess.scrapeConfig("prometheus", "127.0.0.1:9"), Map.of())) {
            Path checks = Files.createDirectories(dir.resolve("checks"));
            Files.writeString(checks.resolve("soak.yaml"), CATALOGUE);
            Path config = Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n");
            List<String> args = List.of("soak", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                    "--duration", "20s", "--interval", "1s", "--max-gap", "15s", "--prometheus-url", prom.url());

            // 1. SIGINT after a few cycles: clean stop, exit 130, the command to resume
            Path log1 = dir.resolve("run1.log");
            Process first = start(args, log1);
            awaitCycles(3, first, log1);
            Sigint.send(first);
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            String out1 = Files.readString(log1);
            assertEquals(ExitCodes.INTERRUPTED, first.exitValue(), out1);
            assertTrue(out1.contains("resume with: migrate soak --config " + config), out1);
            assertEquals(StepRecord.INTERRUPTED, new Ledger(dir.resolve("state")).latest("soak").orElseThrow().outcome());

            // 2. resumed, then SIGKILL mid-way: no chance to clean up
            Path log2 = dir.resolve("run2.log");
            Process second = start(args, log2);
            long before = cycles();
            awaitCycles(before + 3, second, log2);
            second.destroyForcibly(); // SIGKILL
            assertTrue(second.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.readString(log2).contains("resuming the soak started"), Files.readString(log2));

            // 3. resumed again: runs to the end and passes, with the restarts' gaps reported
            Path log3 = dir.resolve("run3.log");
            Process third = start(args, log3);
            assertTrue(third.waitFor(60, TimeUnit.SECONDS), Files.readString(log3));
            String out3 = Files.readString(log3);
            assertEquals(ExitCodes.OK, third.exitValue(), out3);
            assertTrue(out3.contains("resuming the soak started"), out3);

            List<String> lines = Files.readAllLines(journal(), StandardCharsets.UTF_8);
            JsonNode header = Json.MAPPER.readTree(lines.get(0));
            assertEquals("header", header.path("type").asText());
            long seq = 0;
            for (String line : lines.subList(1, lines.size() - 1)) {
                JsonNode n = Json.MAPPER.readTree(line);
                assertEquals(++seq, n.path("seq").asLong(), "cycles numbered without holes or repeats across three processes");
            }
            assertEquals("passed", Json.MAPPER.readTree(lines.get(lines.size() - 1)).path("outcome").asText());

            StepRecord rec = new Ledger(dir.resolve("state")).latest("soak").orElseThrow();
            assertEquals(StepRecord.PASSED, rec.outcome(), rec.toString());
            long covered = Long.parseLong(rec.details().get("coverageSeconds"));
            long gaps = Long.parseLong(rec.details().get("gapSeconds"));
            assertEquals("20", rec.details().get("durationSeconds"));
            // two restarts (JVM start-up) are gaps only when one takes longer than 1.5 intervals, which depends
            // on the machine's load; either way they never exceed max-gap, and coverage plus gaps is the duration
            assertTrue(gaps >= 0 && gaps <= 15, rec.details().toString());
            assertTrue(Math.abs(covered + gaps - 20) <= 1, rec.details().toString());
            assertEquals(seq, Long.parseLong(rec.details().get("cycles")));
        }
    }
}
