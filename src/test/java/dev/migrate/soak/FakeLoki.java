package dev.migrate.soak;

import dev.migrate.endpoints.LokiApi;
import dev.migrate.endpoints.PrometheusApi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** An in-test {@link LokiApi} that answers every metric query with fixed series and remembers the range asked. */
final class FakeLoki implements LokiApi {
    final List<PrometheusApi.Series> series;
    Instant start;

    FakeLoki(List<PrometheusApi.Series> series) {
        this.series = series;
    }

    @Override
    public List<Stream> queryRange(String logql, Instant start, Instant end, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<PrometheusApi.Series> metricRange(String logql, Instant start, Instant end, Duration step) {
        this.start = start;
        return series;
    }

    @Override
    public String runningConfig() {
        throw new UnsupportedOperationException();
    }
}
