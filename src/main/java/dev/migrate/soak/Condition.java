package dev.migrate.soak;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A success or failure condition on one query result, written like Argo Rollouts' analysis
 * conditions but deliberately tiny: {@code result <op> <number>}, e.g. {@code result == 1},
 * {@code result > 0}. A vector result is tested sample by sample (see {@link Analyzer}).
 *
 * @param text      as written in soak.yaml, for messages
 * @param op        one of == != > >= < <=
 * @param threshold the number compared against
 */
public record Condition(String text, String op, double threshold) {
    private static final Pattern FORM = Pattern.compile("\\s*result\\s*(==|!=|>=|<=|>|<)\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*");

    /** Parses {@code text}; an IllegalArgumentException says how to write it otherwise. */
    public static Condition parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a condition; write 'result <op> <number>' with op one of == != > >= < <=");
        }
        double threshold = Double.parseDouble(m.group(2));
        if (!Double.isFinite(threshold) || Math.abs(threshold) > dev.migrate.settings.Values.MAX_NUMBER) {
            throw new IllegalArgumentException("'" + text + "': the number is too large (at most "
                    + (long) dev.migrate.settings.Values.MAX_NUMBER + "); a condition that can never hold is a typo");
        }
        return new Condition(text.trim(), m.group(1), threshold);
    }

    public boolean test(double value) {
        return switch (op) {
            case "==" -> value == threshold;
            case "!=" -> value != threshold;
            case ">" -> value > threshold;
            case ">=" -> value >= threshold;
            case "<" -> value < threshold;
            default -> value <= threshold;
        };
    }

    @Override
    public String toString() {
        return text.toLowerCase(Locale.ROOT);
    }
}
