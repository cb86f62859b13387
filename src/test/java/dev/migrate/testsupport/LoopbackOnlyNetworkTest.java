package dev.migrate.testsupport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The network guard is on for every test, and tells loopback from everything else. */
class LoopbackOnlyNetworkTest {
    @Test
    void installedForTheWholeTestRun() {
        assertInstanceOf(LoopbackOnlyNetwork.class, System.getSecurityManager(),
                "surefire's argLine must install it: -Djava.security.manager=" + LoopbackOnlyNetwork.class.getName());
    }

    @Test
    void onlyLoopbackPasses() {
        assertTrue(LoopbackOnlyNetwork.loopback("127.0.0.1"));
        assertTrue(LoopbackOnlyNetwork.loopback("127.3.2.1"));
        assertTrue(LoopbackOnlyNetwork.loopback("::1"));
        assertTrue(LoopbackOnlyNetwork.loopback("[::1]"));
        assertTrue(LoopbackOnlyNetwork.loopback("localhost"));
        assertFalse(LoopbackOnlyNetwork.loopback("10.10.30.22"), "the default VIP");
        assertFalse(LoopbackOnlyNetwork.loopback("192.168.1.10"));
        assertFalse(LoopbackOnlyNetwork.loopback("0.0.0.0"));
        assertFalse(LoopbackOnlyNetwork.loopback("loki.monitoring.svc.cluster.local"));
    }
}
