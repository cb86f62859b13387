package dev.migrate.retire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class VolumeArchiverTest {
    @Test
    void compressesTextButStoresBytesThatDoNotShrink() {
        byte[] random = new byte[1 << 20];
        new Random(7).nextBytes(random);
        assertFalse(VolumeArchiver.compresses(random), "random bytes (like TSDB chunks) are stored, not deflated");
        byte[] text = "level=info ts=2026-11-27 msg=\"compact blocks\" count=3\n".repeat(20000).getBytes(StandardCharsets.UTF_8);
        assertTrue(VolumeArchiver.compresses(text));
    }
}
