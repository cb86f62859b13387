package dev.migrate.testsupport;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the real Claude Code client cannot be made to send in a test run, and only that, shaped as
 * client 2.1.328 sends the rest (scope {@code com.anthropic.claude_code}, DELTA sums, every value a
 * double, empty unit on counts, {@code user.id}/{@code session.id}/{@code anthropic.provider}/
 * {@code terminal.type} and the OTEL_RESOURCE_ATTRIBUTES keys on every point and event, events as log
 * records with body {@code claude_code.<name>} and {@code event.name}, {@code event.sequence} an int):
 * <ul>
 * <li>a session of the Desktop app ({@code service.name=claude-code-desktop}): the CLI only sends
 *   claude-code or OTEL_SERVICE_NAME;</li>
 * <li>{@code active_time} with {@code type=user} and a session opened from the agents view
 *   ({@code start_type=agents_view}): interactive only, and the tests drive {@code claude -p};</li>
 * <li>the {@code auth} event (attributes {@code action}, {@code success}, {@code auth_method}) and
 *   {@code internal_error} ({@code error_name}, {@code error_code}): no offline trigger exists
 *   ({@code claude auth logout} exports nothing);</li>
 * <li>{@code anthropic.plan} and {@code anthropic.seat_type}, which need a real subscription login.</li>
 * </ul>
 * It sends no cost or tokens, so the spend a test asserts is the real client's alone; its sessions
 * and its one user are counted where sessions and users are (see {@link #SESSIONS}).
 */
public final class ClaudeCodeFixture {
    public static final String VERSION = "2.1.328";
    /** Its per-install id, shaped as the client's (64 hex). */
    public static final String USER_ID = "f1c7ed0000000000000000000000000000000000000000000000000000000001";
    /** Sessions it starts that the dashboard counts (the Desktop one; agents_view sessions are left out there). */
    public static final int SESSIONS = 1;
    public static final double USER_ACTIVE_SECONDS = 42;

    private ClaudeCodeFixture() {
    }

    /** Sends everything once to the collector's OTLP gRPC endpoint and waits until it is exported. */
    public static void send(String grpcEndpoint) {
        send(grpcEndpoint, "claude-code-desktop", "desk", "d0000000-0000-4000-8000-000000000001", (m, events, point) -> {
            m.counterBuilder("claude_code.session.count").ofDoubles().setUnit("").build().add(1, point.apply(Map.of("start_type", "fresh")));
            m.counterBuilder("claude_code.active_time.total").ofDoubles().setUnit("s").build()
                    .add(USER_ACTIVE_SECONDS, point.apply(Map.of("type", "user")));
        });
        send(grpcEndpoint, "claude-code", "laptop", "d0000000-0000-4000-8000-000000000002", (m, events, point) -> {
            m.counterBuilder("claude_code.session.count").ofDoubles().setUnit("").build().add(1, point.apply(Map.of("start_type", "agents_view")));
            event(events, point.apply(Map.of()), "auth", 1, Map.of("action", "login", "success", "true", "auth_method", "claude.ai"));
            event(events, point.apply(Map.of()), "internal_error", 2, Map.of("error_name", "TypeError", "error_code", "E_FIXTURE"));
        });
    }

    private interface Body {
        void record(Meter meter, Logger events, java.util.function.Function<Map<String, String>, Attributes> point);
    }

    private static void send(String endpoint, String service, String machine, String session, Body body) {
        Resource resource = Resource.create(Attributes.builder().put("service.name", service).put("service.version", VERSION)
                .put("os.type", "linux").put("os.version", "6.1.0").put("host.arch", "amd64").put("machine.name", machine).build());
        var metricExporter = OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10))
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred()).build();
        var reader = PeriodicMetricReader.builder(metricExporter).setInterval(Duration.ofHours(1)).build();
        var logExporter = OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).setTimeout(Duration.ofSeconds(10)).build();
        try (SdkMeterProvider meters = SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader).build();
             SdkLoggerProvider loggers = SdkLoggerProvider.builder().setResource(resource)
                     .addLogRecordProcessor(SimpleLogRecordProcessor.create(logExporter)).build()) {
            Meter meter = meters.meterBuilder("com.anthropic.claude_code").setInstrumentationVersion(VERSION).build();
            Logger events = loggers.loggerBuilder("com.anthropic.claude_code.events").setInstrumentationVersion(VERSION).build();
            body.record(meter, events, extra -> {
                AttributesBuilder b = Attributes.builder().put("machine.name", machine).put("user.id", USER_ID)
                        .put("session.id", session).put("anthropic.provider", "firstParty").put("terminal.type", "xterm")
                        // a subscription login's plan and seat (values as the client's first-party schema names them)
                        .put("anthropic.plan", "max").put("anthropic.seat_type", "standard");
                extra.forEach(b::put);
                return b.build();
            });
            if (!meters.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()
                    || !loggers.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()) {
                throw new AssertionError("the collector did not accept the fixture's telemetry at " + endpoint);
            }
        }
    }

    private static void event(Logger events, Attributes common, String name, long sequence, Map<String, String> attributes) {
        var b = events.logRecordBuilder().setBody("claude_code." + name).setAllAttributes(common)
                .setAttribute(AttributeKey.stringKey("event.name"), name)
                .setAttribute(AttributeKey.stringKey("event.timestamp"), Instant.now().toString())
                .setAttribute(AttributeKey.longKey("event.sequence"), sequence);
        attributes.forEach((k, v) -> b.setAttribute(AttributeKey.stringKey(k), v));
        b.emit();
    }
}
