package dev.migrate.soak;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Locale;

/**
 * One check measured once, as the journal keeps it.
 *
 * @param check  the check's name
 * @param status pass / fail / inconclusive / error (the query itself failed)
 * @param value  the deciding value (the offending sample for a failure), or null without data
 * @param note   what was seen: the offending series, the endpoint error, "no data"; empty for a plain pass
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Measurement(String check, Result status, Double value, String note) {
    public enum Result {
        PASS, FAIL, INCONCLUSIVE, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Measurement {
        note = note == null ? "" : note;
    }
}
