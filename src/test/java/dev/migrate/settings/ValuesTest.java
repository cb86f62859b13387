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
}
