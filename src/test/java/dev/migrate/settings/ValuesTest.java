package dev.migrate.settings;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {
    @Test
    void ipv4RejectsLeadingZerosAndLargeOctets() {
        assertTrue(Values.ipv4("10.10.30.22") > 0);
        assertEquals(-1, Values.ipv4("10.10.30.022"));
        assertEquals(-1, Values.ipv4("10.10.30"));
        assertEquals(-1, Values.ipv4("300.1.1.1"));
    }

    @Test
    void cidrContainment() {
        assertTrue(Values.cidrContains("10.10.30.0/24", "10.10.30.22"));
        assertFalse(Values.cidrContains("10.10.30.0/24", "10.10.31.1"));
        assertTrue(Values.cidrContains("0.0.0.0/0", "192.168.1.1"));
    }

    @Test
    void durationsRoundTrip() {
        assertEquals(Duration.ofHours(24), Values.duration("24h"));
        assertEquals("24h", Values.format(Duration.ofHours(24)));
        assertEquals("90s", Values.format(Duration.ofSeconds(90)));
        assertEquals("48h", Values.format(Duration.ofDays(2)));
        assertEquals(Duration.ofDays(2), Values.duration("2d"));
        assertNull(Values.duration("24 hours"));
    }

    @Test
    void rangeContains() {
        Values.IpRange pool = Values.range("10.10.30.20-10.10.30.99");
        assertTrue(pool.contains("10.10.30.22"));
        assertFalse(pool.contains("10.10.30.100"));
    }

    @Test
    void semverAndDnsNames() {
        for (String ok : java.util.List.of("0.15.0", "1.0.0-rc.1", "2.0.0+build.7")) {
            org.junit.jupiter.api.Assertions.assertNull(Values.problem(SettingKey.Kind.SEMVER, ok), ok);
        }
        for (String bad : java.util.List.of("v0.15.0", "0.15", "01.2.3", "1.2.3-", "latest")) {
            org.junit.jupiter.api.Assertions.assertNotNull(Values.problem(SettingKey.Kind.SEMVER, bad), bad);
        }
        org.junit.jupiter.api.Assertions.assertNull(Values.problem(SettingKey.Kind.DNS_NAME, "otel.k8s.example.com"));
        for (String bad : java.util.List.of("Otel.example.com", "otel..example.com", "otel.example.com.", "-otel.example.com")) {
            org.junit.jupiter.api.Assertions.assertNotNull(Values.problem(SettingKey.Kind.DNS_NAME, bad), bad);
        }
    }
}
