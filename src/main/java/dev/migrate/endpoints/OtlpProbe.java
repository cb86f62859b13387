package dev.migrate.endpoints;

import dev.migrate.endpoints.EndpointException.Kind;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends one real OTLP metric point and one real OTLP log record with the OpenTelemetry Java SDK
 * (gRPC, or http/protobuf), tagged with a probe id, under a {@code service.name} of its own so it
 * never shows in Claude Code's dashboards or cost figures. Exports are made explicitly and waited
 * for, so a collector that accepts TCP but not OTLP is a failure here, and nothing lingers after.
 */
public final class OtlpProbe {
    public static final String SERVICE_NAME = "migrate-probe";
    /** OTLP name; the collector's prometheus exporter makes it {@link #PROMETHEUS_NAME} (monotonic sum, no unit). */
    public static final String METRIC_NAME = "migrate.probe";
    public static final String PROMETHEUS_NAME = "migrate_probe_total";
    public static final String PROBE_ID = "probe_id";
    private static final Logger OTEL_LOG = Logger.getLogger("io.opentelemetry");

    private OtlpProbe() {
    }

    /** @param protocol "grpc" or "http/protobuf"; @param endpoint base URL (http://host:4317 or :4318) */
    public record Target(String endpoint, String protocol) {
        public Target {
            if (!"grpc".equals(protocol) && !"http/protobuf".equals(protocol)) {
                throw new IllegalArgumentException("protocol must be grpc or http/protobuf: " + protocol);
            }
        }
    }

    /** What was sent, for the poll that follows. */
    public record Sent(String probeId, Instant at, Duration took) {
    }

    /** Sends both signals and waits for the collector's answer to each; throws when either is refused. */
    public static Sent send(Target target, String probeId, Duration timeout) {
        Level before = OTEL_LOG.getLevel();
        OTEL_LOG.setLevel(Level.OFF); // the SDK logs export failures itself; the check reports them instead
        long t0 = System.nanoTime();
        Instant at = Instant.now();
        MetricExporter metrics = metricExporter(target, timeout);
        LogRecordExporter logs = logExporter(target, timeout);
        try {
            Resource resource = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SERVICE_NAME));
            Attributes attrs = Attributes.of(AttributeKey.stringKey(PROBE_ID), probeId);

            Capture capture = new Capture();
            try (SdkMeterProvider meters = SdkMeterProvider.builder().setResource(resource).registerMetricReader(capture).build()) {
                meters.get("dev.migrate.verify").counterBuilder(METRIC_NAME)
                        .setDescription("Synthetic probe of migrate verify; not Claude Code data").build().add(1, attrs);
                capture.collected = capture.registration.collectAllMetrics();
            }
            List<LogRecordData> records = new ArrayList<>();
            LogRecordProcessor keep = (context, record) -> records.add(record.toLogRecordData());
            try (SdkLoggerProvider loggers = SdkLoggerProvider.builder().setResource(resource).addLogRecordProcessor(keep).build()) {
                loggers.get("dev.migrate.verify").logRecordBuilder()
                        .setSeverity(Severity.INFO)
                        .setBody("migrate verify probe " + probeId)
                        .setAllAttributes(attrs)
                        .setAttribute(AttributeKey.stringKey("event.name"), "migrate_probe")
                        .emit();
            }
            CompletableResultCode metricResult = metrics.export(capture.collected);
            CompletableResultCode logResult = logs.export(records);
            check("metric", metricResult.join(timeout.toMillis() + 500, TimeUnit.MILLISECONDS), target, timeout);
            check("log record", logResult.join(timeout.toMillis() + 500, TimeUnit.MILLISECONDS), target, timeout);
            return new Sent(probeId, at, Duration.ofNanos(System.nanoTime() - t0));
        } finally {
            metrics.shutdown().join(1, TimeUnit.SECONDS);
            logs.shutdown().join(1, TimeUnit.SECONDS);
            OTEL_LOG.setLevel(before);
        }
    }

    private static void check(String what, CompletableResultCode result, Target target, Duration timeout) {
        if (result.isSuccess()) {
            return;
        }
        Throwable why = result.getFailureThrowable();
        Kind kind;
        String detail;
        if (!result.isDone()) {
            kind = Kind.TIMEOUT;
            detail = "no answer within " + timeout.toMillis() + " ms";
        } else if (response(why) instanceof HttpResponse http) {
            kind = Kind.BAD_RESPONSE;
            detail = "the server answered HTTP " + http.getStatusCode() + " " + http.getStatusMessage()
                    + " (not an OTLP/HTTP receiver at /v1/metrics, /v1/logs?)";
        } else if (response(why) instanceof GrpcResponse grpc) {
            kind = Kind.BAD_RESPONSE;
            detail = "gRPC status " + grpc.getStatusCode() + ": " + grpc.getStatusDescription();
        } else {
            Throwable root = why == null ? null : why.getCause() != null ? why.getCause() : why;
            detail = root == null ? "the export failed" : HttpEndpoint.oneLine(root.toString());
            kind = root instanceof java.net.ConnectException ? Kind.UNREACHABLE
                    : root instanceof java.io.InterruptedIOException ? Kind.TIMEOUT : Kind.BAD_RESPONSE;
        }
        throw new EndpointException(kind, target.endpoint(), "OTLP " + target.protocol() + " export of the probe "
                + what + " to " + target.endpoint() + " failed: " + detail);
    }

    /**
     * The exporter's failure carries the server's answer (FailedExportException, in the exporter's
     * runtime-only internal package): read it through its public getResponse() without compiling against it.
     */
    private static Object response(Throwable why) {
        if (why == null) {
            return null;
        }
        try {
            return why.getClass().getMethod("getResponse").invoke(why);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static MetricExporter metricExporter(Target t, Duration timeout) {
        if ("grpc".equals(t.protocol())) {
            return OtlpGrpcMetricExporter.builder().setEndpoint(t.endpoint()).setTimeout(timeout)
                    .setConnectTimeout(timeout).setRetryPolicy(null).build();
        }
        return OtlpHttpMetricExporter.builder().setEndpoint(join(t.endpoint(), "v1/metrics")).setTimeout(timeout)
                .setConnectTimeout(timeout).setRetryPolicy(null).build();
    }

    private static LogRecordExporter logExporter(Target t, Duration timeout) {
        if ("grpc".equals(t.protocol())) {
            return OtlpGrpcLogRecordExporter.builder().setEndpoint(t.endpoint()).setTimeout(timeout)
                    .setConnectTimeout(timeout).setRetryPolicy(null).build();
        }
        return OtlpHttpLogRecordExporter.builder().setEndpoint(join(t.endpoint(), "v1/logs")).setTimeout(timeout)
                .setConnectTimeout(timeout).setRetryPolicy(null).build();
    }

    private static String join(String base, String path) {
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    /** A metric reader that only collects when asked: the probe exports the data itself, once. */
    private static final class Capture implements MetricReader {
        CollectionRegistration registration;
        Collection<MetricData> collected = List.of();

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
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
