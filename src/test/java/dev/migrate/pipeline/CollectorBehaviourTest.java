package dev.migrate.pipeline;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.CollectorProcess;
import dev.migrate.testsupport.LokiDouble;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the bundle's processors and exporter settings do, shown on the real collector's exporter
 * page (what Prometheus would scrape): deltatocumulative against the same config without it, and
 * metric_expiration with a short override.
 */
public class CollectorBehaviourTest {
    /** The bundle's metrics pipeline minus deltatocumulative, for the comparison only (also with the real client: ClientFaultsTest). */
    public static final String WITHOUT_DELTATOCUMULATIVE = "service::pipelines::metrics::processors=[memory_limiter, transform/identity, batch]";

    /**
     * A one-shot delta counter reads 1 with or without deltatocumulative, and
     * so does a stream whose points chain (the exporter accumulates those itself). What the processor
     * fixes is a stream that skips an export interval: its next point does not start where the last
     * one ended, and the exporter alone replaces the running total with it. The Java SDK used here chains
     * points (start = previous collection); Claude Code's own points never chain (start = the first
     * measurement in the interval), so for the real client every stream with more than one point is like
     * "skipping" here.
     */
    @Test
    void deltatocumulativeFixesOnlyStreamsThatSkipAnInterval() {
        try (LokiDouble loki = new LokiDouble();
             CollectorProcess with = CollectorProcess.startBundle(loki.url() + "/otlp");
             CollectorProcess without = CollectorProcess.startBundle(loki.url() + "/otlp", WITHOUT_DELTATOCUMULATIVE)) {
            for (CollectorProcess c : new CollectorProcess[] {with, without}) {
                try (ClaudeCodeClient cli = new ClaudeCodeClient(c.grpcEndpoint(), "grpc", "claude-code", "laptop")) {
                    cli.sessionStarted("one-shot").cost("chained", 2, SampleSessions.MODEL).cost("skipping", 2, SampleSessions.MODEL).export();
                    cli.cost("chained", 3, SampleSessions.MODEL).export();
                    cli.cost("chained", 1, SampleSessions.MODEL).commit("one-shot").export(); // "skipping" sends nothing
                    cli.cost("chained", 4, SampleSessions.MODEL).cost("skipping", 4, SampleSessions.MODEL).export();
                }
            }
            assertEquals(1.0, await(with, "claude_code_session_count_total", "one-shot", 1.0));
            assertEquals(1.0, await(without, "claude_code_session_count_total", "one-shot", 1.0));
            assertEquals(10.0, await(with, "claude_code_cost_usage_USD_total", "chained", 10.0));
            assertEquals(10.0, await(without, "claude_code_cost_usage_USD_total", "chained", 10.0));
            assertEquals(6.0, await(with, "claude_code_cost_usage_USD_total", "skipping", 6.0));
            // without the processor the exporter restarts the total at the unchained point: $4, not $6
            assertEquals(4.0, await(without, "claude_code_cost_usage_USD_total", "skipping", 4.0));
        }
    }

    /**
     * The bundle's 2h metric_expiration shortened to 8s (above the batch processor's 5s timeout, so a
     * series updated every interval stays): a series idle that long leaves the exporter page.
     */
    @Test
    void metricExpirationRemovesAnIdleSeries() {
        try (LokiDouble loki = new LokiDouble();
             CollectorProcess c = CollectorProcess.startBundle(loki.url() + "/otlp", "exporters::prometheus::metric_expiration=8s");
             ClaudeCodeClient cli = new ClaudeCodeClient(c.grpcEndpoint(), "grpc", "claude-code", "laptop")) {
            cli.sessionStarted("idle").sessionStarted("busy").export();
            assertEquals(1.0, await(c, "claude_code_session_count_total", "idle", 1.0));
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (read(c.exporterPage(), "claude_code_session_count_total", "idle") != null && System.nanoTime() < deadline) {
                cli.cost("busy", 1, SampleSessions.MODEL).export(); // keeps the busy session's cost series fresh
                sleep(500);
            }
            String page = c.exporterPage();
            assertNull(read(page, "claude_code_session_count_total", "idle"), page);
            assertTrue(read(page, "claude_code_cost_usage_USD_total", "busy") != null, "an updated series stays: " + page);
        }
    }

    static Double await(CollectorProcess c, String name, String session, double expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Double v = null;
        while (System.nanoTime() < deadline) {
            v = read(c.exporterPage(), name, session);
            if (v != null && v == expected) {
                return v;
            }
            sleep(200);
        }
        return v;
    }

    /** The value of NAME{...session_id="SESSION"...} on an exposition page, or null. */
    static Double read(String page, String name, String session) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*session_id=\"" + Pattern.quote(session)
                + "\"[^}]*} (\\S+)$").matcher(page);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
