package dev.migrate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text, the one digest the tool prints and compares (settings, bundle, checks, docker contexts). */
public final class Digests {
    private Digests() {
    }

    /** The full digest of the UTF-8 bytes, lower-case hex. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** "sha256:" and the first 16 hex digits: enough to tell settings or catalogues apart in a report. */
    public static String shortSha256(String text) {
        return "sha256:" + sha256Hex(text).substring(0, 16);
    }
}
