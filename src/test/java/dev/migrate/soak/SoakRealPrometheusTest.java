package dev.migrate.soak;

import dev.migrate.ExitCodes;
import dev.migrate.Main;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.PrometheusProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real soak in real time against a real Prometheus 2.42 on loopback, scraping an in-test target
 * that plays the collector's metrics endpoint. The target goes away mid-soak: the soak must fail,
 * and fail on the collector being down, not on anything else.
 */
class SoakRealPrometheusTest {
    static final String CATALOGUE = "checks:\n" + SoakTestCatalogue.COLLECTOR_UP + """
              - name: data-flowing
                kind: promql
                chart: data-rate
                window: 5s
                query: sum(rate(otelcol_receiver_accepted_metric_points_total[{{window}}]))
                successCondition: result > 0
                failureCondition: result == 0
                noData: inconclusive
                failureLimit: 30
            """;

    @TempDir
    Path dir;

    @Test
    void dataThatStopsFlowingFailsTheSoakOnTheCollectorCheck() throws Exception {
        AtomicLong points = new AtomicLong();
        // Prometheus text exposition as the collector's :8889 serves it: a counter that keeps rising.
        FakeHttpServer target = FakeHttpServer.start().on("/metrics", r -> FakeHttpServer.Reply.text(200,
                "# TYPE otelcol_receiver_accepted_metric_points_total counter\n"
                        + "otelcol_receiver_accepted_metric_points_total{receiver=\"otlp\"} " + points.addAndGet(40) + "\n"));
        try (PrometheusProcess prom = PrometheusProcess.start(
                PrometheusProcess.scrapeConfig("otel-collector", "127.0.0.1:" + target.port()), Map.of())) {
            prom.awaitQuery("rate(otelcol_receiver_accepted_metric_points_total[5s]) > 0", Duration.ofSeconds(30));
            Path checks = Files.createDirectories(dir.resolve("checks"));
            Files.writeString(checks.resolve("soak.yaml"), CATALOGUE);
            Path config = Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n");

            Thread outage = new Thread(() -> {
                try {
                    Thread.sleep(6000);
                } catch (InterruptedException e) {
                    return;
                }
                target.close(); // the collector goes away
            });
            outage.start();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = System.out;
            int code;
            long started = System.nanoTime();
            try {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                code = Main.run("soak", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                        "--duration", "2m", "--interval", "1s", "--prometheus-url", prom.url());
            } finally {
                System.setOut(out);
                outage.join();
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCodes.FAILED, code, text + prom.logText());
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60, "the soak stops as soon as it cannot pass");
            StepRecord rec = new Ledger(dir.resolve("state")).latest("soak").orElseThrow();
            assertEquals(StepRecord.FAILED, rec.outcome());
            assertTrue(Long.parseLong(rec.details().get("cycles")) >= 4, rec.details().toString());
            assertTrue(text.matches("(?s).*FAIL\\s+collector-up\\s+\\d+ measured: \\d+ passed, 3 failed \\(limit 2\\).*"), text);
            assertTrue(text.contains("meets failure condition result == 0"), text);
            assertTrue(text.contains("job:otel-collector"), "names the series that failed: " + text);
        } finally {
            target.close();
        }
    }
}
