package dev.migrate.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CiliumLoadBalancerIPPool blocks: cidr, start/stop, a lone start; disabled pools cover nothing. */
class IpPoolTest {
    @Test
    void blocksCoverTheirAddresses() {
        IpPool pool = IpPool.fromTree(Map.of("metadata", Map.of("name", "p"), "spec", Map.of("blocks", List.of(
                Map.of("start", "10.10.30.20", "stop", "10.10.30.99"), Map.of("cidr", "192.168.5.0/30"),
                Map.of("start", "10.0.0.7")))));
        assertTrue(pool.covers("10.10.30.20"));
        assertTrue(pool.covers("10.10.30.99"));
        assertFalse(pool.covers("10.10.30.100"));
        assertTrue(pool.covers("192.168.5.3"));
        assertFalse(pool.covers("192.168.5.4"));
        assertTrue(pool.covers("10.0.0.7"));
        assertFalse(pool.covers("10.0.0.8"));
        assertFalse(pool.covers("not-an-ip"));
    }

    @Test
    void aDisabledPoolCoversNothing() {
        IpPool pool = IpPool.fromTree(Map.of("metadata", Map.of("name", "p"), "spec", Map.of("disabled", true,
                "blocks", List.of(Map.of("cidr", "10.10.30.0/24")))));
        assertFalse(pool.covers("10.10.30.22"));
    }
}
