package dev.migrate.testsupport;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.Protocol;
import okio.Buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A double of the collector's OTLP receivers (opentelemetry-proto, collector/{metrics,logs}/v1):
 * gRPC on a MockWebServer speaking HTTP/2 cleartext with prior knowledge (what the SDK's OkHttp gRPC
 * sender uses for http://), framed as gRPC messages (1-byte flag, 4-byte length, protobuf), answered
 * with an empty Export*ServiceResponse and trailer grpc-status 0; and OTLP/HTTP on /v1/metrics and
 * /v1/logs (application/x-protobuf). Every payload is decoded and kept; optional forwarders play the
 * collector's exporters (metrics to an exposition page, logs to the Loki double).
 */
public final class OtlpReceiverDouble implements AutoCloseable {
    /** One decoded metric data point with its resource attributes. */
    public record Point(Map<String, String> resource, String scope, String metric, String unit, Map<String, String> attributes,
                        double value) {
    }

    /** One decoded log record with its resource attributes. */
    public record Log(Map<String, String> resource, String body, Map<String, String> attributes, Instant at) {
    }

    private final MockWebServer grpc = new MockWebServer();
    private final FakeHttpServer http = FakeHttpServer.start();
    private final List<Point> points = Collections.synchronizedList(new ArrayList<>());
    private final List<Log> logs = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<Point> metricForwarder = p -> { };
    private volatile Consumer<Log> logForwarder = l -> { };

    public OtlpReceiverDouble() {
        grpc.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
        grpc.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return grpcAnswer(request);
            }
        });
        try {
            grpc.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.on("/v1/metrics", r -> {
            decodeMetrics(r.bytes());
            return new Reply(200, "application/x-protobuf", "", 0, -1);
        });
        http.on("/v1/logs", r -> {
            decodeLogs(r.bytes());
            return new Reply(200, "application/x-protobuf", "", 0, -1);
        });
    }

    public String grpcEndpoint() {
        return "http://127.0.0.1:" + grpc.getPort();
    }

    public String httpEndpoint() {
        return http.url();
    }

    public List<Point> points() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    public List<Log> logs() {
        synchronized (logs) {
            return List.copyOf(logs);
        }
    }

    public OtlpReceiverDouble forwardMetrics(Consumer<Point> forwarder) {
        this.metricForwarder = forwarder;
        return this;
    }

    public OtlpReceiverDouble forwardLogs(Consumer<Log> forwarder) {
        this.logForwarder = forwarder;
        return this;
    }

    private MockResponse grpcAnswer(RecordedRequest request) {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        byte[] message = body.length >= 5 ? java.util.Arrays.copyOfRange(body, 5, body.length) : new byte[0];
        String path = request.getUrl().encodedPath();
        if (path.endsWith("MetricsService/Export")) {
            decodeMetrics(message);
        } else if (path.endsWith("LogsService/Export")) {
            decodeLogs(message);
        } else {
            return new MockResponse.Builder().code(200).addHeader("content-type", "application/grpc")
                    .trailers(Headers.of("grpc-status", "12", "grpc-message", "unknown service " + path)).build();
        }
        return new MockResponse.Builder().code(200).addHeader("content-type", "application/grpc")
                .body(new Buffer().write(new byte[5])) // an empty Export*ServiceResponse, uncompressed
                .trailers(Headers.of("grpc-status", "0")).build();
    }

    private void decodeMetrics(byte[] bytes) {
        try {
            ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(bytes);
            for (ResourceMetrics rm : req.getResourceMetricsList()) {
                Map<String, String> resource = attrs(rm.getResource().getAttributesList());
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        List<NumberDataPoint> dps = m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList();
                        for (NumberDataPoint dp : dps) {
                            double v = dp.hasAsDouble() ? dp.getAsDouble() : dp.getAsInt();
                            Point p = new Point(resource, sm.getScope().getName(), m.getName(), m.getUnit(),
                                    attrs(dp.getAttributesList()), v);
                            points.add(p);
                            metricForwarder.accept(p);
                        }
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the OTLP metrics payload does not decode", e);
        }
    }

    private void decodeLogs(byte[] bytes) {
        for (Log l : logsOf(bytes)) {
            logs.add(l);
            logForwarder.accept(l);
        }
    }

    /** Decodes an ExportLogsServiceRequest (protobuf): every log record with its resource attributes. */
    public static List<Log> logsOf(byte[] bytes) {
        try {
            List<Log> out = new ArrayList<>();
            ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(bytes);
            for (ResourceLogs rl : req.getResourceLogsList()) {
                Map<String, String> resource = attrs(rl.getResource().getAttributesList());
                for (ScopeLogs sl : rl.getScopeLogsList()) {
                    for (LogRecord r : sl.getLogRecordsList()) {
                        out.add(new Log(resource, text(r.getBody()), attrs(r.getAttributesList()),
                                Instant.ofEpochSecond(0, r.getTimeUnixNano() == 0 ? r.getObservedTimeUnixNano() : r.getTimeUnixNano())));
                    }
                }
            }
            return out;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("the OTLP logs payload does not decode", e);
        }
    }

    private static Map<String, String> attrs(List<KeyValue> kvs) {
        Map<String, String> out = new LinkedHashMap<>();
        kvs.forEach(kv -> out.put(kv.getKey(), text(kv.getValue())));
        return out;
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> v.toString();
        };
    }

    @Override
    public void close() {
        grpc.close();
        http.close();
    }
}
