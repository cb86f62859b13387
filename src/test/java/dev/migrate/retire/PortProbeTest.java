package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PortProbeTest {
    @Test
    void aPortSomethingListensOnIsReportedBusyAndAFreeOneFree() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<CheckResult> r = PortProbe.check(List.of(busy.getLocalPort(), free));
            assertEquals(Status.FAIL, r.get(0).status());
            assertTrue(r.get(0).fix().contains("ss -ltnp"), r.get(0).fix());
            assertEquals(Status.PASS, r.get(1).status(), r.get(1).observed());
        }
    }
}
