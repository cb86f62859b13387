package dev.migrate.io;

/**
 * Makes text safe for a terminal: every control character (C0, DEL, C1) becomes a visible escape
 * such as {@code \e}, {@code \n} or {@code \x07}, so a value such as a machine name holding
 * {@code ESC]0;...BEL} cannot set the terminal's title or move the cursor when it is echoed back.
 * Bidirectional overrides and marks (U+202E and kin) become {@code \u202e}: they reorder what the
 * reader sees, so a row ending in "deliaf" would read as "failed" and vice versa.
 * Used by {@link dev.migrate.UserError} (every error message) and by the text reporters.
 */
public final class Printable {
    private Printable() {
    }

    /** {@code text} with control characters escaped; printable text (any script) is unchanged. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String esc = escapeOf(c);
            if (esc != null && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(esc != null ? esc : String.valueOf(c));
            }
        }
        return sb == null ? text : sb.toString();
    }

    /**
     * Text of several lines (a report, a plan) as a terminal may show it: each line escaped as by
     * {@link #escape}, the newlines between them (and tabs) kept.
     */
    public static String escapeLines(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\t') {
                sb.append(escape(text.substring(start, i)));
                if (i < text.length()) {
                    sb.append(text.charAt(i));
                }
                start = i + 1;
            }
        }
        return sb.toString();
    }

    /** A user-supplied value, escaped and in single quotes, for messages. */
    public static String quote(String value) {
        return "'" + escape(value) + "'";
    }

    /** One line: runs of whitespace (newlines included) become one space, other controls are escaped. */
    public static String oneLine(String text) {
        return text == null ? "" : escape(text.replaceAll("[\\r\\n\\t ]+", " ").strip());
    }

    private static String escapeOf(char c) {
        if (c >= 0x20 && c < 0x7f || c > 0x9f && c != '\u2028' && c != '\u2029' && !isBidiControl(c)) {
            return null;
        }
        if (c > 0x9f) {
            return String.format("\\u%04x", (int) c);
        }
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case 0x1b -> "\\e";
            default -> String.format("\\x%02x", (int) c);
        };
    }

    /** DEL, the C1 controls, the line separators and the bidirectional controls: beyond C0, what a terminal acts on. */
    public static boolean obeyedByTerminals(int c) {
        return c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || c <= 0xffff && isBidiControl((char) c);
    }

    /** Marks, embeddings, overrides and isolates: invisible, yet they reorder the text around them. */
    private static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f'
                || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069';
    }
}
