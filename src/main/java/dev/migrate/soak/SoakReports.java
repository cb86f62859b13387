package dev.migrate.soak;

import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.ledger.Ledger;
import dev.migrate.report.JUnitReport;
import dev.migrate.report.RunReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a soak's reports next to its journal: report.txt, report.json, report.junit.xml (verify's renderer) and the
 * self-contained report.html. They only render the verdict; they never decide anything.
 */
public final class SoakReports {
    private SoakReports() {
    }

    /**
     * @param html   the HTML file
     * @param text   the text summary (also printed)
     * @param others the JSON and JUnit files
     */
    public record Written(Path html, String text, List<Path> others) {
    }

    /** The report files, in the soak's directory of the state directory. */
    static final List<String> FILES = List.of("report.html", "report.txt", "report.json", "report.junit.xml");

    /** Where the HTML report goes: known before it is written, so the ledger can point at it first. */
    public static Path htmlPath(Ledger ledger) {
        return ledger.dir().resolve(SoakSession.DIR).resolve(FILES.get(0));
    }

    /**
     * Before a soak starts: a report path that holds a directory, a FIFO or a link cannot be
     * replaced, and finding that out 24 hours later would lose the reports.
     */
    public static void checkTargets(Ledger ledger) {
        for (String f : FILES) {
            Path p = ledger.dir().resolve(SoakSession.DIR).resolve(f);
            if (java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && !java.nio.file.Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new dev.migrate.UserError(p + " is not a regular file (a directory, a link or a FIFO), so the soak"
                        + " could not write its report there; move it away");
            }
        }
    }

    public static Written write(Ledger ledger, Path journalFile, SoakState state, SoakState.Verdict v, Consumer<String> warn) {
        Path dir = ledger.subdir(SoakSession.DIR);
        HtmlReport.Cycles cycles = new HtmlReport.Cycles();
        Journal.read(journalFile, cycles, s -> { });
        String text = text(state, v);
        Path html = ledger.writePrivate(dir.resolve("report.html"), HtmlReport.render(state, v, cycles.cycles));
        ledger.writePrivate(dir.resolve("report.txt"), text);
        Path json = ledger.writePrivate(dir.resolve("report.json"), json(state, v));
        Instant until = state.end() != null ? state.end().at()
                : state.lastCycleAt() != null ? state.lastCycleAt() : state.header().started();
        Path junit = ledger.writePrivate(dir.resolve("report.junit.xml"),
                JUnitReport.render(new RunReport(SoakSession.STEP, state.header().started(), until, v.outcome(), v.results())));
        return new Written(html, text, List.of(json, junit));
    }

    public static String text(SoakState state, SoakState.Verdict v) {
        StringBuilder b = new StringBuilder();
        b.append("soak ").append(v.summary()).append('\n');
        b.append("settings digest ").append(state.header().settingsDigest()).append(", started ")
                .append(Progress.time(state.header().started())).append('\n');
        for (CheckResult r : v.results()) {
            b.append(String.format("  %-13s %-26s %s%n", r.status().label().toUpperCase(java.util.Locale.ROOT), r.name(), r.observed()));
            if (!r.cause().isEmpty()) {
                b.append("                cause: ").append(r.cause()).append('\n');
            }
            if (!r.fix().isEmpty()) {
                b.append("                fix:   ").append(r.fix()).append('\n');
            }
        }
        // Printed, written to report.txt and shown by --report: a server's error text in it is escaped.
        return dev.migrate.io.Printable.escapeLines(b.toString());
    }

    public static String json(SoakState state, SoakState.Verdict v) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("outcome", v.outcome().label());
        doc.put("summary", v.summary());
        doc.put("settingsDigest", state.header().settingsDigest());
        doc.put("header", state.header());
        Map<String, Object> cov = new LinkedHashMap<>();
        cov.put("coveredSeconds", v.coverage().covered().getSeconds());
        cov.put("gapSeconds", v.coverage().gapTotal().getSeconds());
        List<Map<String, String>> gaps = new ArrayList<>();
        v.coverage().gaps().forEach(g -> gaps.add(Map.of("from", g.from().toString(), "to", g.to().toString())));
        cov.put("gaps", gaps);
        doc.put("coverage", cov);
        doc.put("cycles", state.cycles());
        doc.put("results", v.results());
        try {
            return Json.MAPPER.writeValueAsString(doc) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
