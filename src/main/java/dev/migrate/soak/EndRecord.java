package dev.migrate.soak;

import java.time.Instant;

/**
 * The journal's last line once the soak reached a verdict; a finished journal is never appended to.
 *
 * @param type    always "end"
 * @param at      when the verdict was reached
 * @param outcome passed / failed / inconclusive
 * @param summary one line
 */
public record EndRecord(String type, Instant at, String outcome, String summary) {
    public static final String TYPE = "end";
}
