package dev.migrate.collector;

import dev.migrate.testsupport.CollectorProcess;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real collector (scripts/real-components, the release of the bundle's image pin) loads the
 * exact ConfigMap content deploy renders: {@code validate} accepts it, and it starts and serves on
 * loopback with only its listen endpoints moved by {@code --set}.
 */
class RealCollectorConfigTest {
    @Test
    void validateAcceptsTheRenderedConfigMapWithTheLokiEndpointSet() {
        String config = Rendered.collectorConfig();
        CollectorProcess.Validation v = CollectorProcess.validate(config, Map.of("LOKI_OTLP_ENDPOINT", "http://127.0.0.1:3100/otlp"));
        assertEquals(0, v.exitCode(), v.output());
    }

    @Test
    void validateRefusesItWhenTheDeploymentForgetsTheLokiEndpoint() {
        // The Deployment sets LOKI_OTLP_ENDPOINT; without it ${env:...} expands to nothing.
        CollectorProcess.Validation v = CollectorProcess.validate(Rendered.collectorConfig(), Map.of());
        assertEquals(1, v.exitCode(), v.output());
        assertTrue(v.output().contains("at least one endpoint must be specified"), v.output());
    }

    @Test
    void theRenderedConfigStartsOnLoopbackAndLogsNoWarning() {
        try (LokiDouble loki = new LokiDouble();
             CollectorProcess c = CollectorProcess.startBundle(loki.url() + "/otlp")) {
            assertTrue(c.telemetryPage().contains("otelcol_process_uptime"), c.telemetryPage());
            String log = c.logText();
            assertTrue(log.contains("Everything is ready"), log);
            // The old otlphttp alias would log a deprecation warning at start: nothing may warn.
            assertFalse(log.contains("\"warn\"") || log.contains("\twarn\t") || log.toLowerCase().contains("deprecat"), log);
            for (String listen : c.logText().split("\n")) {
                assertFalse(listen.contains("0.0.0.0"), "nothing listens beyond loopback: " + listen);
            }
        }
    }
}
