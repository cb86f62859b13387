package dev.migrate.testsupport;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.resources.Resource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client shaped like Claude Code's telemetry (Claude Code docs "Monitoring", including what 2026
 * added), built on the OpenTelemetry Java SDK as Claude Code's exporters are configured by default:
 * OTLP over gRPC or http/protobuf, delta temporality for counters
 * (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta), resource {@code service.name} (claude-code,
 * or claude-code-desktop) with {@code service.version}, {@code os.type}, {@code host.arch} and
 * {@code machine.name} (OTEL_RESOURCE_ATTRIBUTES; none when the machine is null, as a client set up
 * without it), and on every data point and event the session id, {@code user.id} (the per-installation
 * id the real client always sends; {@code user.email} only when a test adds it, as a claude.ai login
 * does) plus the resource attributes (OTEL_METRICS_INCLUDE_RESOURCE_ATTRIBUTES=true).
 * <p>
 * Nothing is sent until {@link #export()}: each call is one export interval, so a test decides which
 * streams get a point in which interval (a one-shot counter in one interval only, a stream that
 * skips an interval). Events are log records, body {@code claude_code.<name>}, attribute
 * {@code event.name=<name>}.
 * <p>
 * What the real client ({@link RealClaudeCode}) proves on its own sessions is proven there; this one
 * stays for what the real client cannot be made to do in a test: send amounts a test chooses ($9 and
 * $3 around a $10 threshold; the stand-in's usage prices every request the same), report an older
 * client version (verify's clients check), export in intervals a test controls (chained and skipping
 * streams, a collision at a chosen moment), and send thousands of sessions a second (the scale
 * benchmarks). Its points chain (the Java SDK's delta start is the previous collection), the real
 * client's never do: ClientFaultsTest shows what that changes.
 */
public final class ClaudeCodeClient implements AutoCloseable {
    /** The client version whose telemetry this imitates (names, attributes, values). */
    public static final String VERSION = "2.1.328";
    /** The meter's scope version: the real client's is its own version, which Prometheus shows as otel_scope_version. */
    private final String scopeVersion;
    private static final AttributeKey<String> SESSION = AttributeKey.stringKey("session.id");

    private final String serviceName;
    private final String machine;
    private final MetricExporter metricExporter;
    private final LogRecordExporter logExporter;
    private final Map<String, String> pointAttributes;
    private final Manual reader;
    private final SdkMeterProvider meters;
    private final SdkLoggerProvider loggers;
    private final List<LogRecordData> pendingLogs = new ArrayList<>();
    private final LongCounter sessions;
    private final DoubleCounter cost;
    private final LongCounter tokens;
    private final DoubleCounter activeTime;
    private final LongCounter lines;
    private final LongCounter commits;
    private final LongCounter pullRequests;
    private final LongCounter decisions;
    private final LongCounter legacyDecisions;
    private final Logger events;

    /**
     * @param endpoint    base URL (http://127.0.0.1:port of the collector's gRPC or HTTP receiver)
     * @param protocol    "grpc" or "http/protobuf"
     * @param serviceName claude-code or claude-code-desktop
     * @param machine     machine.name, as OTEL_RESOURCE_ATTRIBUTES sets it
     */
    public ClaudeCodeClient(String endpoint, String protocol, String serviceName, String machine) {
        this(endpoint, protocol, serviceName, machine, Map.of(), AggregationTemporality.DELTA);
    }

    /**
     * @param pointAttributes put on every data point after the defaults (so {@code terminal.type} can be
     *                        replaced), e.g. {@code user.email}, as a signed-in Claude Code adds it; the key
     *                        {@code service.version} instead sets the client's version (resource and scope)
     * @param counters        DELTA as Claude Code's default; CUMULATIVE as with
     *                        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative
     */
    public ClaudeCodeClient(String endpoint, String protocol, String serviceName, String machine,
                            Map<String, String> pointAttributes, AggregationTemporality counters) {
        this.serviceName = serviceName;
        this.pointAttributes = Map.copyOf(pointAttributes);
        this.reader = new Manual(counters);
        this.machine = machine;
        this.scopeVersion = pointAttributes.getOrDefault("service.version", VERSION);
        Duration timeout = Duration.ofSeconds(10);
        if ("grpc".equals(protocol)) {
            metricExporter = OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(null).build();
            logExporter = OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).setTimeout(timeout).setRetryPolicy(null).build();
        } else if ("http/protobuf".equals(protocol)) {
            metricExporter = OtlpHttpMetricExporter.builder().setEndpoint(endpoint + "/v1/metrics").setTimeout(timeout)
                    .setRetryPolicy(null).build();
            logExporter = OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint + "/v1/logs").setTimeout(timeout)
                    .setRetryPolicy(null).build();
        } else {
            throw new IllegalArgumentException("protocol must be grpc or http/protobuf: " + protocol);
        }
        AttributesBuilder r = Attributes.builder().put("service.name", serviceName).put("service.version", scopeVersion)
                .put("os.type", "linux").put("host.arch", "amd64");
        if (machine != null) {
            r.put("machine.name", machine);
        }
        Resource resource = Resource.create(r.build());
        // Claude Code keeps one series per session; a big test world has many more than the SDK's default 2000.
        meters = SdkMeterProvider.builder().setResource(resource).registerMetricReader(reader, type -> 1_000_000).build();
        LogRecordProcessor keep = (context, record) -> {
            synchronized (pendingLogs) {
                pendingLogs.add(record.toLogRecordData());
            }
        };
        loggers = SdkLoggerProvider.builder().setResource(resource).addLogRecordProcessor(keep).build();
        Meter m = meters.meterBuilder("com.anthropic.claude_code").setInstrumentationVersion(scopeVersion).build();
        sessions = m.counterBuilder("claude_code.session.count").setUnit("count").setDescription("Count of CLI sessions started").build();
        cost = m.counterBuilder("claude_code.cost.usage").ofDoubles().setUnit("USD").setDescription("Cost of the Claude Code session").build();
        tokens = m.counterBuilder("claude_code.token.usage").setUnit("tokens").setDescription("Number of tokens used").build();
        activeTime = m.counterBuilder("claude_code.active_time.total").ofDoubles().setUnit("s").setDescription("Total active time").build();
        lines = m.counterBuilder("claude_code.lines_of_code.count").setUnit("count").setDescription("Lines of code modified").build();
        commits = m.counterBuilder("claude_code.commit.count").setUnit("count").setDescription("Number of git commits created").build();
        pullRequests = m.counterBuilder("claude_code.pull_request.count").setUnit("count").setDescription("Number of pull requests created").build();
        // The docs stopped listing a unit for this one in 2026-07; older clients send "count".
        decisions = m.counterBuilder("claude_code.code_edit_tool.decision").setDescription("Code editing tool permission decisions").build();
        legacyDecisions = meters.get("com.anthropic.claude_code.legacy").counterBuilder("claude_code.code_edit_tool.decision")
                .setUnit("count").setDescription("Code editing tool permission decisions").build();
        events = loggers.get("com.anthropic.claude_code.events");
    }

    public String serviceName() {
        return serviceName;
    }

    /** The attributes Claude Code puts on every data point of a session. */
    private Attributes point(String session, String... extra) {
        return point(session, Map.of(), extra);
    }

    private Attributes point(String session, Map<String, String> attributes, String... extra) {
        AttributesBuilder b = Attributes.builder().put(SESSION, session);
        common().forEach(b::put);
        attributes.forEach(b::put);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            b.put(extra[i], extra[i + 1]);
        }
        return b.build();
    }

    /** What the real client puts on every point and event: user.id, terminal.type, machine.name (when set), then the test's own. */
    private Map<String, String> common() {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("user.id", userId(machine));
        c.put("terminal.type", "vscode");
        if (machine != null) {
            c.put("machine.name", machine);
        }
        c.putAll(pointAttributes);
        c.remove("service.version");
        return c;
    }

    /**
     * The user.id this client sends: like the real client's per-installation id (64 hex, from ~/.claude.json),
     * one per machine here.
     */
    public static String userId(String machine) {
        return dev.migrate.Digests.sha256Hex("install:" + machine);
    }

    /** session.count += 1 (one-shot: a session sends it once). */
    public ClaudeCodeClient sessionStarted(String session) {
        return sessionStarted(session, "fresh");
    }

    /** @param startType fresh, resume, continue, or agents_view (a session opened from the agents view) */
    public ClaudeCodeClient sessionStarted(String session, String startType) {
        sessions.add(1, point(session, "start_type", startType));
        return this;
    }

    public ClaudeCodeClient cost(String session, double usd, String model) {
        return cost(session, usd, Map.of("model", model));
    }

    /** @param attributes model and the 2026 ones (query_source, effort, speed, agent.name, skill.name, mcp_server.name ...) */
    public ClaudeCodeClient cost(String session, double usd, Map<String, String> attributes) {
        cost.add(usd, point(session, attributes));
        return this;
    }

    /** @param type input, output, cacheRead or cacheCreation */
    public ClaudeCodeClient tokens(String session, String type, long n, String model) {
        return tokens(session, type, n, Map.of("model", model));
    }

    /** @param attributes as for {@link #cost(String, double, Map)} */
    public ClaudeCodeClient tokens(String session, String type, long n, Map<String, String> attributes) {
        tokens.add(n, point(session, attributes, "type", type));
        return this;
    }

    /** @param type user or cli */
    public ClaudeCodeClient activeTime(String session, String type, double seconds) {
        activeTime.add(seconds, point(session, "type", type));
        return this;
    }

    /** @param type added or removed */
    public ClaudeCodeClient linesOfCode(String session, String type, long n) {
        lines.add(n, point(session, "type", type));
        return this;
    }

    /** @param model as clients since 2026 send it on lines_of_code */
    public ClaudeCodeClient linesOfCode(String session, String type, long n, String model) {
        lines.add(n, point(session, "type", type, "model", model));
        return this;
    }

    public ClaudeCodeClient commit(String session) {
        commits.add(1, point(session));
        return this;
    }

    public ClaudeCodeClient pullRequest(String session) {
        pullRequests.add(1, point(session));
        return this;
    }

    /** @param legacyUnit send unit "count" as clients following the docs before 2026-07 do */
    public ClaudeCodeClient editDecision(String session, String tool, String decision, String language, boolean legacyUnit) {
        (legacyUnit ? legacyDecisions : decisions).add(1, point(session, "tool_name", tool, "decision", decision,
                "source", "config", "language", language));
        return this;
    }

    /** An event: body claude_code.NAME, attributes event.name, session.id and {@code attributes}. */
    public ClaudeCodeClient event(String session, String name, Map<String, String> attributes) {
        var b = events.logRecordBuilder().setBody("claude_code." + name)
                .setAttribute(AttributeKey.stringKey("event.name"), name)
                .setAttribute(SESSION, session)
                .setAttribute(AttributeKey.stringKey("event.timestamp"), java.time.Instant.now().toString());
        common().forEach((k, v) -> b.setAttribute(AttributeKey.stringKey(k), v));
        attributes.forEach((k, v) -> b.setAttribute(AttributeKey.stringKey(k), v));
        b.emit();
        return this;
    }

    /**
     * One export interval: what was recorded since the last one (delta), and the events emitted since.
     * Fails when the collector refuses either, with its answer.
     */
    public void export() {
        String failure = tryExport();
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    /** Like {@link #export()} but returns the failure (null on success), for tests that expect refusals. */
    public String tryExport() {
        Collection<MetricData> metrics = reader.registration.collectAllMetrics();
        List<LogRecordData> logs;
        synchronized (pendingLogs) {
            logs = List.copyOf(pendingLogs);
            pendingLogs.clear();
        }
        StringBuilder failed = new StringBuilder();
        if (!metrics.isEmpty()) {
            outcome("metrics", metricExporter.export(metrics), failed);
        }
        if (!logs.isEmpty()) {
            outcome("logs", logExporter.export(logs), failed);
        }
        return failed.length() == 0 ? null : failed.toString();
    }

    private static void outcome(String what, CompletableResultCode r, StringBuilder failed) {
        r.join(15, TimeUnit.SECONDS);
        if (!r.isSuccess()) {
            failed.append("the collector did not accept the ").append(what).append(": ")
                    .append(answer(r.getFailureThrowable())).append("; ");
        }
    }

    /** The server's answer carried by the exporter's failure (public getResponse(), in an internal class). */
    private static String answer(Throwable why) {
        if (why == null) {
            return "no answer";
        }
        try {
            Object response = why.getClass().getMethod("getResponse").invoke(why);
            if (response instanceof io.opentelemetry.sdk.common.export.GrpcResponse g) {
                return "gRPC " + g.getStatusCode() + " " + g.getStatusDescription();
            }
            if (response instanceof io.opentelemetry.sdk.common.export.HttpResponse h) {
                return "HTTP " + h.getStatusCode() + " " + h.getStatusMessage();
            }
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // not an exporter failure with a response
        }
        return why.toString();
    }

    @Override
    public void close() {
        meters.shutdown().join(2, TimeUnit.SECONDS);
        loggers.shutdown().join(2, TimeUnit.SECONDS);
        metricExporter.shutdown().join(2, TimeUnit.SECONDS);
        logExporter.shutdown().join(2, TimeUnit.SECONDS);
    }

    /** A reader that collects only when {@link #export()} asks, with the counters' temporality chosen (delta by default). */
    private static final class Manual implements MetricReader {
        final AggregationTemporality counters;
        CollectionRegistration registration;

        Manual(AggregationTemporality counters) {
            this.counters = counters;
        }

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            // deltaPreferred: counters and histograms delta, up-down counters cumulative.
            return type == InstrumentType.UP_DOWN_COUNTER || type == InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
                    ? AggregationTemporality.CUMULATIVE : counters;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
