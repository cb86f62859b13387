package dev.migrate.checks;

import dev.migrate.endpoints.EndpointException;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.LokiDouble;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner: concurrency, per-check timeouts, and how failures of any sort become results. */
class CheckRunnerTest {
    record Fixed(String name, Duration timeout, long sleepMs, CheckResult result, RuntimeException error) implements Check {
        @Override
        public CheckResult run(CheckContext ctx) throws InterruptedException {
            Thread.sleep(sleepMs);
            if (error != null) {
                throw error;
            }
            return result;
        }
    }

    static Fixed ok(String name, long sleepMs) {
        return new Fixed(name, Duration.ofSeconds(5), sleepMs, CheckResult.pass(name, "fine"), null);
    }

    @Test
    void aHangingCheckCostsOnlyItsOwnTimeout() {
        Fixed hanging = new Fixed("hanging", Duration.ofMillis(500), 60_000, null, null);
        long t0 = System.nanoTime();
        List<CheckResult> results = CheckRunner.run(List.of(ok("a", 300), hanging, ok("b", 300)), new Contexts.Builder().build());
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(ms < 2000, "took " + ms + " ms");
        assertEquals(List.of("a", "hanging", "b"), results.stream().map(CheckResult::name).toList(), "catalogue order");
        assertEquals(Status.PASS, results.get(0).status());
        assertEquals(Status.FAIL, results.get(1).status());
        assertTrue(results.get(1).observed().contains("no answer within 500ms"), results.get(1).observed());
        assertEquals(Status.PASS, results.get(2).status());
    }

    @Test
    void checksRunConcurrently() {
        long t0 = System.nanoTime();
        CheckRunner.run(List.of(ok("a", 600), ok("b", 600), ok("c", 600), ok("d", 600)), new Contexts.Builder().build());
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(ms < 1800, "four 600 ms checks took " + ms + " ms; they must overlap");
    }

    @Test
    void aSlowEndpointDoesNotHoldUpTheOthers() {
        try (FakeHttpServer slowPrometheus = FakeHttpServer.start(); LokiDouble loki = new LokiDouble()) {
            slowPrometheus.on("/api/v1/targets", Reply.json("{\"status\":\"success\",\"data\":{\"activeTargets\":[]}}")
                    .delayed(20_000));
            Check scrape = Contexts.check("- name: st\n  kind: scrape-target\n  timeout: 1s\n");
            Check lokiConfig = Contexts.check("- name: lc\n  kind: loki-config\n  timeout: 5s\n");
            CheckContext ctx = new Contexts.Builder().prometheus(slowPrometheus.url()).loki(loki.url()).build();
            long t0 = System.nanoTime();
            List<CheckResult> results = CheckRunner.run(List.of(scrape, lokiConfig), ctx);
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            assertTrue(ms < 2500, "took " + ms + " ms; the slow check's own timeout is 1s");
            assertEquals(Status.FAIL, results.get(0).status(), results.get(0).toString());
            assertEquals(Status.PASS, results.get(1).status(), results.get(1).toString());
            assertTrue(results.get(1).elapsed().toMillis() < 1000, "Loki's check was not held up: " + results.get(1).elapsed());
        }
    }

    @Test
    void failuresOfEverySortBecomeResults() {
        CheckContext ctx = new Contexts.Builder().build();
        List<CheckResult> r = CheckRunner.run(List.of(
                new Fixed("endpoint", Duration.ofSeconds(2), 0, null, new EndpointException(EndpointException.Kind.UNAUTHORIZED,
                        "http://127.0.0.1:1/api/v1/rules", "Prometheus answered HTTP 401")),
                new Fixed("missing", Duration.ofSeconds(2), 0, null, new CheckContext.Missing("needs Loki: give --loki-url")),
                new Fixed("bug", Duration.ofSeconds(2), 0, null, new IllegalStateException("boom"))), ctx);
        assertEquals(Status.FAIL, r.get(0).status());
        assertTrue(r.get(0).fix().contains("token"), r.get(0).fix());
        assertEquals(Status.SKIPPED, r.get(1).status());
        assertEquals("needs Loki: give --loki-url", r.get(1).cause());
        assertEquals(Status.FAIL, r.get(2).status());
        assertTrue(r.get(2).observed().contains("boom") && r.get(2).fix().contains("MIGRATE_DEBUG"), r.get(2).toString());
        assertFalse(r.get(2).observed().contains("java.lang."), "no Java class name in the report: " + r.get(2).observed());
        assertTrue(r.stream().allMatch(x -> x.elapsed() != null));
    }
}
