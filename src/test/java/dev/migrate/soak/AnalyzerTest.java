package dev.migrate.soak;

import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.soak.Measurement.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalyzerTest {
    static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");

    static AnalysisCheck check(String yaml) {
        return AnalysisCatalogue.parse("t", "checks:\n" + yaml.indent(2), Duration.ofSeconds(60), "monitoring").checks().get(0);
    }

    static List<Analyzer.Sample> samples(double... values) {
        List<Analyzer.Sample> out = new java.util.ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new Analyzer.Sample(Map.of("instance", "pod-" + i), values[i]));
        }
        return out;
    }

    static final AnalysisCheck UP = check("""
            - name: up
              kind: promql
              query: up{job="otel-collector"}
              successCondition: result == 1
              failureCondition: result == 0
              noData: fail
            """);

    @Test
    void successFailureAndNeitherAreDecidedPerSampleAsInArgo() {
        assertEquals(Result.PASS, Analyzer.decide(UP, samples(1, 1), "").status());
        Measurement down = Analyzer.decide(UP, samples(1, 0), "");
        assertEquals(Result.FAIL, down.status());
        assertEquals(0.0, down.value());
        assertTrue(down.note().contains("instance:pod-1") && down.note().contains("result == 0"), down.note());
        // 0.5 meets neither condition: inconclusive, not a pass and not a failure
        assertEquals(Result.INCONCLUSIVE, Analyzer.decide(UP, samples(0.5), "").status());
    }

    @Test
    void noDataFollowsTheDeclaredRule() {
        assertEquals(Result.FAIL, Analyzer.decide(UP, List.of(), "").status());
        for (String rule : List.of("pass", "inconclusive")) {
            AnalysisCheck c = check("""
                    - name: quiet
                      kind: promql
                      query: x
                      successCondition: result > 0
                      noData: %s
                    """.formatted(rule));
            Measurement m = Analyzer.decide(c, List.of(), "");
            assertEquals(rule, m.status().label());
            assertNull(m.value());
            assertEquals("no data", m.note());
        }
    }

    @Test
    void anEndpointFailureIsAnErrorNotAFailure() {
        FakePrometheus down = new FakePrometheus((q, at) -> null);
        Measurement m = new Analyzer(down, null, null, null).measure(UP, NOW);
        assertEquals(Result.ERROR, m.status());
        assertTrue(m.note().startsWith("unreachable from http://127.0.0.1:9/api/v1/query"), m.note());
    }

    @Test
    void theRoundTripValueIsItsDelayAndALostProbeIsNoData() {
        AnalysisCheck rt = check("""
                - name: rt
                  kind: round-trip
                  successCondition: result < 30000
                  failureCondition: result >= 120000
                  noData: fail
                """);
        Analyzer fast = new Analyzer(null, null, () -> new RoundTrip.Result(true, Duration.ofMillis(4200), "found in Prometheus"), null);
        Measurement ok = fast.measure(rt, NOW);
        assertEquals(Result.PASS, ok.status());
        assertEquals(4200.0, ok.value());
        Analyzer lost = new Analyzer(null, null, () -> new RoundTrip.Result(false, Duration.ofSeconds(30), "not in Prometheus after 30s"), null);
        Measurement gone = lost.measure(rt, NOW);
        assertEquals(Result.FAIL, gone.status());
        assertEquals("not delivered: not in Prometheus after 30s", gone.note());
    }

    @Test
    void aVerifyCheckIsRepeatedByName() {
        AnalysisCheck v = check("""
                - name: vip
                  kind: verify
                  check: vip-reachable
                  noData: inconclusive
                """);
        NamedChecks verify = name -> name.equals("vip-reachable")
                ? Optional.of(CheckResult.fail(name, "connect timed out", "VIP not announced", "check the L2 policy"))
                : Optional.empty();
        Measurement m = new Analyzer(null, null, null, verify).measure(v, NOW);
        assertEquals(Result.FAIL, m.status());
        assertTrue(m.note().contains("VIP not announced"), m.note());
        AnalysisCheck missing = check("""
                - name: nope
                  kind: verify
                  check: no-such-check
                  noData: fail
                """);
        assertEquals(Result.ERROR, new Analyzer(null, null, null, verify).measure(missing, NOW).status());
    }

    @Test
    void theLokiCheckReadsTheLastPointOfAShortRange() {
        AnalysisCheck events = check("""
                - name: events
                  kind: logql
                  query: sum(count_over_time({service_name="claude-code"}[{{window}}]))
                  successCondition: result > 0
                  noData: inconclusive
                """);
        assertEquals("sum(count_over_time({service_name=\"claude-code\"}[5m]))", events.query());
        FakeLoki loki = new FakeLoki(List.of(new PrometheusApi.Series(Map.of(), List.of(
                new PrometheusApi.Point(NOW.minusSeconds(60), 0), new PrometheusApi.Point(NOW, 17)))));
        Measurement m = new Analyzer(null, loki, null, null).measure(events, NOW);
        assertEquals(Result.PASS, m.status());
        assertEquals(17.0, m.value());
        assertEquals(NOW.minus(Duration.ofMinutes(5)), loki.start, "reads the query's window, not the interval");
        assertEquals(Result.INCONCLUSIVE, new Analyzer(null, new FakeLoki(List.of()), null, null).measure(events, NOW).status());
    }

    @Test
    void theBuiltInAnalysisParsesWithExplicitNoDataEverywhere() {
        AnalysisCatalogue c = AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"), Duration.ofSeconds(60), "monitoring");
        assertTrue(c.checks().size() >= 8);
        AnalysisCheck restarts = c.checks().stream().filter(x -> x.name().equals("collector-not-restarting")).findFirst().orElseThrow();
        assertTrue(restarts.query().contains("namespace=\"monitoring\"") && restarts.query().contains("[5m]"), restarts.query());
        assertEquals(AnalysisCheck.NoData.PASS, c.checks().stream().filter(x -> x.name().equals("collector-not-oom-killed"))
                .findFirst().orElseThrow().noData());
        assertEquals(1, c.checks().stream().filter(x -> x.chart() == AnalysisCheck.Chart.ROUND_TRIP).count());
        assertEquals(1, c.checks().stream().filter(x -> x.chart() == AnalysisCheck.Chart.DATA_RATE).count());
        // the collector's own metrics are scraped (ServiceMonitor endpoint telemetry): the otelcol_* checks count;
        // only the client token rate, which real clients may legitimately never produce during a soak, is optional
        assertEquals(List.of("client-token-rate"),
                c.checks().stream().filter(AnalysisCheck::optional).map(AnalysisCheck::name).toList());
        assertEquals("sum(rate(claude_code_token_usage_tokens_total[5m]))", c.checks().stream()
                .filter(x -> x.chart() == AnalysisCheck.Chart.DATA_RATE).findFirst().orElseThrow().query());
    }

    @Test
    void aBadCatalogueIsOneLineNamingTheCheck() {
        UserError e = assertThrows(UserError.class, () -> check("""
                - name: up
                  kind: promql
                  query: up
                  successCondition: result = 1
                  noData: fail
                """));
        assertEquals("t: check 'up': 'result = 1' is not a condition; write 'result <op> <number>' with op one of == != > >= < <=", e.getMessage());
        UserError noRule = assertThrows(UserError.class, () -> check("""
                - name: up
                  kind: promql
                  query: up
                  successCondition: result == 1
                """));
        assertTrue(noRule.getMessage().contains("needs 'noData (fail, inconclusive or pass)'"), noRule.getMessage());
        UserError typo = assertThrows(UserError.class, () -> check("""
                - name: up
                  kind: promql
                  query: up
                  sucessCondition: result == 1
                  noData: fail
                """));
        assertTrue(typo.getMessage().startsWith("t: check 'up': unknown field 'sucessCondition'"), typo.getMessage());
    }

    @Test
    void aTallyFailsOnTheFailureLimitAndOnConsecutiveErrorsOnly() {
        AnalysisCheck c = check("""
                - name: up
                  kind: promql
                  query: up
                  successCondition: result == 1
                  failureCondition: result == 0
                  noData: fail
                  failureLimit: 1
                  consecutiveErrorLimit: 2
                """);
        CheckTally t = new CheckTally(c);
        Measurement pass = new Measurement("up", Result.PASS, 1.0, "");
        Measurement err = new Measurement("up", Result.ERROR, null, "unreachable");
        t.add(pass, NOW);
        t.add(err, NOW);
        t.add(err, NOW);
        t.add(pass, NOW); // two errors in a row, then a pass: Prometheus restarted, the soak goes on
        t.add(new Measurement("up", Result.FAIL, 0.0, "down"), NOW);
        assertEquals(Status.PASS, t.result().status(), t.result().observed());
        t.add(err, NOW);
        t.add(err, NOW);
        t.add(err, NOW);
        assertEquals(Status.FAIL, t.result().status());
        assertTrue(t.result().observed().startsWith("3 query errors in a row (consecutiveErrorLimit 2)"), t.result().observed());
        CheckTally f = new CheckTally(c);
        f.add(new Measurement("up", Result.FAIL, 0.0, "down"), NOW);
        f.add(new Measurement("up", Result.FAIL, 0.0, "down"), NOW);
        assertEquals(Status.FAIL, f.result().status());
        CheckTally quiet = new CheckTally(c);
        quiet.add(new Measurement("up", Result.INCONCLUSIVE, null, "no data"), NOW);
        assertEquals(Status.INCONCLUSIVE, quiet.result().status());
        AnalysisCheck optional = check("""
                - name: refused
                  kind: promql
                  query: x
                  successCondition: result == 0
                  failureCondition: result > 0
                  noData: inconclusive
                  optional: true
                  fix: scrape port 8888
                """);
        CheckTally unseen = new CheckTally(optional);
        unseen.add(new Measurement("refused", Result.INCONCLUSIVE, null, "no data"), NOW);
        assertEquals(Status.SKIPPED, unseen.result().status());
        assertTrue(unseen.result().cause().endsWith("To use it: scrape port 8888"), unseen.result().cause());
        unseen.add(new Measurement("refused", Result.FAIL, 3.0, "refused 3"), NOW);
        assertEquals(Status.FAIL, unseen.result().status(), "an optional check's failures count");
    }

    @Test
    void theTimeOfTheLastProblemReadsToTheSecond() throws Exception {
        AnalysisCheck c = check("""
                - name: up
                  kind: promql
                  query: up
                  successCondition: result == 1
                  failureCondition: result == 0
                  noData: fail
                  failureLimit: 0
                """);
        CheckTally t = new CheckTally(c);
        // A real clock's instant: Instant.now() carries a fraction of a second down to the nanosecond.
        t.add(new Measurement("up", Result.FAIL, 0.0, "up == 0 for job=otel-collector"), Instant.parse("2026-11-27T00:01:00.123456789Z"));
        String observed = t.result().observed();
        assertTrue(observed.endsWith("; last problem at 2026-11-27T00:01:00Z: up == 0 for job=otel-collector"), observed);
    }
}
