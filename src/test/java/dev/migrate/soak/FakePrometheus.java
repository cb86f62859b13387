package dev.migrate.soak;

import dev.migrate.endpoints.EndpointException;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * An in-test {@link PrometheusApi}: answers instant queries from a function of (query, time). A
 * function returning null means "Prometheus is down" and throws the UNREACHABLE failure the real
 * client throws. Only what the soak uses is implemented.
 */
public final class FakePrometheus implements PrometheusApi {
    final BiFunction<String, Instant, List<Sample>> answer;

    public FakePrometheus(BiFunction<String, Instant, List<Sample>> answer) {
        this.answer = answer;
    }

    public static List<Sample> value(double v) {
        return List.of(new Sample(Map.of(), Instant.EPOCH, v));
    }

    public static FakePrometheus healthy() {
        return new FakePrometheus((q, at) -> q.startsWith("up") ? value(1) : q.contains("rate(") ? value(12.5) : value(0));
    }

    @Override
    public List<Sample> query(String promql, Instant at) {
        List<Sample> r = answer.apply(promql, at);
        if (r == null) {
            throw new EndpointException(EndpointException.Kind.UNREACHABLE, "http://127.0.0.1:9/api/v1/query", "connection refused");
        }
        return r;
    }

    @Override
    public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> labelValues(String label, String matchSelector, Instant start, Instant end) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Target> activeTargets() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<RuleGroup> ruleGroups() {
        throw new UnsupportedOperationException();
    }

    @Override
    public java.util.Optional<String> parseError(String promql) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> scrapePools() {
        throw new UnsupportedOperationException();
    }
}
