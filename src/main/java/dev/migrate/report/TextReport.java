package dev.migrate.report;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.io.Printable;

import java.util.Map;

/**
 * A readable table: one line per check (status, name, time, what was seen), then the cause and fix
 * under anything that did not pass, then the verdict. Colour only when asked (a terminal).
 */
public final class TextReport {
    private static final String RESET = "\u001b[0m";

    private TextReport() {
    }

    /** Colour when stdout is a terminal and NO_COLOR is not set (no-color.org). */
    public static boolean colourWanted() {
        return System.console() != null && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }

    public static String render(RunReport report, boolean colour) {
        int width = report.results().stream().mapToInt(r -> r.name().length()).max().orElse(5);
        width = Math.max(width, "CHECK".length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s  %-" + width + "s  %7s  %s%n", "STATUS", "CHECK", "TIME", "OBSERVED"));
        for (CheckResult r : report.results()) {
            String label = String.format("%-12s", r.status().label().toUpperCase(java.util.Locale.ROOT));
            sb.append(colour ? paint(r.status()) + label + RESET : label).append("  ")
                    .append(String.format("%-" + width + "s  %7s  ", r.name(), millis(r.elapsed().toMillis())))
                    .append(Printable.escape(r.status() == Status.SKIPPED ? r.cause() : r.observed())).append('\n');
            if (r.status() == Status.FAIL || r.status() == Status.INCONCLUSIVE) {
                // observed/cause/fix may quote a server's answer: escaped like every error (Printable)
                String indent = " ".repeat(14 + width + 2);
                sb.append(indent).append("cause: ").append(Printable.escape(r.cause())).append('\n');
                sb.append(indent).append("fix:   ").append(Printable.escape(r.fix())).append('\n');
            }
        }
        Map<String, Integer> counts = report.counts();
        sb.append('\n').append(report.step()).append(": ").append(report.outcome().label())
                .append(" (").append(counts.get("pass")).append(" passed, ").append(counts.get("fail")).append(" failed, ")
                .append(counts.get("inconclusive")).append(" inconclusive, ").append(counts.get("skipped"))
                .append(" skipped) in ").append(millis(report.elapsed().toMillis())).append('\n');
        return sb.toString();
    }

    private static String millis(long ms) {
        return ms < 1000 ? ms + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static String paint(Status s) {
        return switch (s) {
            case PASS -> "\u001b[32m";
            case FAIL -> "\u001b[31m";
            case INCONCLUSIVE -> "\u001b[33m";
            case SKIPPED -> "\u001b[90m";
        };
    }
}
