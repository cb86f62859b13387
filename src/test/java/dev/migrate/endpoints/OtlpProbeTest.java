package dev.migrate.endpoints;

import dev.migrate.endpoints.EndpointException.Kind;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.OtlpReceiverDouble;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic probe, sent with the real OpenTelemetry SDK, decoded by an OTLP receiver double. */
class OtlpProbeTest {
    @Test
    void grpcProbeArrivesUnderItsOwnServiceName() {
        try (OtlpReceiverDouble collector = new OtlpReceiverDouble()) {
            OtlpProbe.send(new OtlpProbe.Target(collector.grpcEndpoint(), "grpc"), "probe-1", Duration.ofSeconds(5));
            assertArrived(collector, "probe-1");
        }
    }

    @Test
    void httpProtobufProbeArrives() {
        try (OtlpReceiverDouble collector = new OtlpReceiverDouble()) {
            OtlpProbe.send(new OtlpProbe.Target(collector.httpEndpoint(), "http/protobuf"), "probe-2", Duration.ofSeconds(5));
            assertArrived(collector, "probe-2");
        }
    }

    private static void assertArrived(OtlpReceiverDouble collector, String id) {
        List<OtlpReceiverDouble.Point> points = collector.points();
        assertEquals(1, points.size(), "one metric point");
        OtlpReceiverDouble.Point p = points.get(0);
        assertEquals("migrate-probe", p.resource().get("service.name"));
        assertEquals("migrate.probe", p.metric());
        assertEquals("", p.unit(), "no unit, so the prometheus exporter names it migrate_probe_total");
        assertEquals(id, p.attributes().get("probe_id"));
        assertEquals(1.0, p.value());
        List<OtlpReceiverDouble.Log> logs = collector.logs();
        assertEquals(1, logs.size(), "one log record");
        assertEquals("migrate-probe", logs.get(0).resource().get("service.name"));
        assertEquals(id, logs.get(0).attributes().get("probe_id"));
        assertTrue(logs.get(0).body().contains(id));
    }

    @Test
    void closedPortIsUnreachable() {
        int port = ManagedProcess.freePort();
        for (String protocol : List.of("grpc", "http/protobuf")) {
            EndpointException e = assertThrows(EndpointException.class, () -> OtlpProbe.send(
                    new OtlpProbe.Target("http://127.0.0.1:" + port, protocol), "p", Duration.ofSeconds(2)));
            assertEquals(Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void anHttpServerThatIsNotOtlpIsRefused() {
        try (FakeHttpServer web = FakeHttpServer.start()) {
            web.on("/v1/metrics", Reply.html(404)).on("/v1/logs", Reply.html(404));
            EndpointException e = assertThrows(EndpointException.class, () -> OtlpProbe.send(
                    new OtlpProbe.Target(web.url(), "http/protobuf"), "p", Duration.ofSeconds(2)));
            assertEquals(Kind.BAD_RESPONSE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("404"), e.getMessage());
        }
    }

    @Test
    void aPortThatAcceptsTcpButNeverSpeaksOtlpFailsWithinTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept(); // accept, read nothing, answer nothing
                        s.getInputStream();
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long t0 = System.nanoTime();
            EndpointException e = assertThrows(EndpointException.class, () -> OtlpProbe.send(
                    new OtlpProbe.Target("http://127.0.0.1:" + silent.getLocalPort(), "grpc"), "p", Duration.ofSeconds(1)));
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5000, "bounded by the timeout");
            assertTrue(e.getMessage().contains("export of the probe"), e.getMessage());
        }
    }
}
