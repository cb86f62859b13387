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
        String outside = "";
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("127.0.0.1", outside));
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("127.3.2.1", outside));
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("::1", outside));
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("[::1]", outside));
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("localhost", outside));
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("10.10.30.22", outside), "the default VIP");
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("192.168.1.10", outside));
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("0.0.0.0", outside));
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("loki.monitoring.svc.cluster.local", outside));
    }

    @Test
    void insideThePrivateNetworkItsLocalRangesPassToo() {
        String ranges = "10.10.30.0/24,10.244.0.0/16";
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("10.10.30.22", ranges), "the VIP is local in the namespace");
        assertTrue(LoopbackOnlyNetwork.loopbackOrIn("10.244.1.7", ranges), "a pod IP");
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("10.10.31.1", ranges), "next to the LAN range");
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("10.245.0.1", ranges));
        assertFalse(LoopbackOnlyNetwork.loopbackOrIn("8.8.8.8", ranges));
    }

    /** scripts/test runs the suite through scripts/private-net; this is what makes that a promise. */
    @Test
    void theSuiteRunsWhereNothingCanLeaveTheMachine() throws Exception {
        String ranges = System.getenv("MIGRATE_PRIVATE_NET");
        assertTrue(ranges != null && !ranges.isEmpty(),
                "run the tests through scripts/private-net (scripts/test does): MIGRATE_PRIVATE_NET is not set");
        Process p = new ProcessBuilder("ip", "route", "show", "table", "main").redirectErrorStream(true).start();
        String routes = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        assertTrue(routes.isEmpty(), "the private network has a route out: " + routes);
    }
}
