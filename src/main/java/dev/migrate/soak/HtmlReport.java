package dev.migrate.soak;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One self-contained HTML file: a one-line verdict that says what to do next, per-check results, and inline
 * SVG charts (per-check pass/fail timeline, synthetic round-trip delay, data rate), with gaps shaded and
 * labelled on every chart. No scripts, no external CSS, fonts or images: it opens offline and can be mailed
 * as is.
 * <p>
 * Readable without colour: every status is a word (and a symbol), the timeline's runs carry a pattern per
 * status and their symbol where they are wide enough. Times are to the second, in one zone (the machine's,
 * or UTC), named on the page. Axis ticks are chosen from round steps so that labels are at least a label
 * apart, at any soak length. On a narrow screen the charts scroll sideways instead of shrinking their text;
 * printed (A4) they scale to the page width.
 */
public final class HtmlReport {
    private static final int W = 960;
    private static final int LEFT = 190;
    private static final int RIGHT_PAD = 40;
    private static final int PLOT = W - LEFT - RIGHT_PAD;
    private static final int AXIS_FONT = 11;
    /** Width of one character of the axis font, a little over what Chromium renders for digits at 11px. */
    private static final double CHAR_W = 6.8;
    private static final int LABEL_GAP = 14;
    private static final long[] STEPS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
            43200, 86400, 172800, 604800};

    private HtmlReport() {
    }

    /** Collects every cycle of a journal for charting (reports only; the runner keeps counts). */
    public static final class Cycles implements Journal.Reader {
        public final List<CycleRecord> cycles = new ArrayList<>();

        @Override
        public void header(JournalHeader header) {
        }

        @Override
        public void cycle(CycleRecord cycle) {
            cycles.add(cycle);
        }
    }

    /** The report with times in this machine's zone. */
    public static String render(SoakState state, SoakState.Verdict v, List<CycleRecord> cycles) {
        return render(state, v, cycles, ZoneId.systemDefault());
    }

    public static String render(SoakState state, SoakState.Verdict v, List<CycleRecord> cycles, ZoneId zone) {
        JournalHeader h = state.header();
        Instant t0 = h.started();
        Instant t1 = h.deadline();
        Times times = new Times(zone);
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>migrate soak: ")
                .append(esc(v.outcome().label())).append("</title>\n<style>").append(CSS).append("</style></head><body>\n")
                // the patterns, once for the whole page (every chart refers to them by id)
                .append("<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\">").append(DEFS).append("</svg>\n");
        b.append("<p id=\"verdict\" class=\"verdict ").append(v.outcome().label()).append("\"><span class=\"badge\">")
                .append(symbol(v.outcome())).append(' ').append(v.outcome().label().toUpperCase(Locale.ROOT)).append("</span> ")
                .append(esc(nextStep(v))).append("</p>\n");
        b.append("<h1>Soak report</h1>\n<p>").append(esc(v.summary())).append("</p>\n<div class=\"scroll\"><table class=\"facts\">")
                .append(row("started", times.full(t0))).append(row("deadline", times.full(t1)))
                .append(row("times shown in", times.zoneName()))
                .append(row("interval / max gap", Progress.human(h.interval()) + " / " + Progress.human(h.maxGap())))
                .append(row("observed", Progress.human(v.coverage().covered()) + " of " + Progress.human(h.duration())))
                .append(row("gaps", v.coverage().gaps().size() + ", " + Progress.human(v.coverage().gapTotal())))
                .append(row("settings digest", h.settingsDigest())).append(row("checks", h.catalogue() + " " + h.catalogueDigest()))
                .append("</table></div>\n<h2>Checks</h2>\n<div class=\"scroll\"><table class=\"checks\"><tr><th>check</th>")
                .append("<th>status</th><th>observed</th><th>cause</th><th>fix</th></tr>\n");
        for (CheckResult r : v.results()) {
            b.append("<tr><td class=\"name\">").append(esc(r.name())).append("</td><td class=\"status s-").append(r.status().label())
                    .append("\"><span class=\"badge\">").append(symbol(r.status())).append(' ')
                    .append(r.status().label().toUpperCase(Locale.ROOT)).append("</span></td><td data-label=\"observed\">")
                    .append(esc(r.observed())).append("</td>").append(r.cause().isEmpty() ? "<td class=\"empty\"></td>"
                            : "<td data-label=\"cause\">" + esc(r.cause()) + "</td>")
                    .append(r.fix().isEmpty() ? "<td class=\"empty\"></td>" : "<td data-label=\"fix\">" + esc(r.fix()) + "</td>")
                    .append("</tr>\n");
        }
        b.append("</table></div>\n");
        if (!v.coverage().gaps().isEmpty()) {
            b.append("<h2>Gaps (not observed)</h2>\n<div class=\"scroll\"><table class=\"gaps\"><tr><th>from</th><th>to</th>")
                    .append("<th>length</th></tr>\n");
            for (Coverage.Gap g : v.coverage().gaps()) {
                b.append("<tr><td>").append(times.full(g.from())).append("</td><td>").append(times.full(g.to()))
                        .append("</td><td>").append(Progress.human(g.length())).append("</td></tr>\n");
            }
            b.append("</table></div>\n");
        }
        b.append("<h2>Pass/fail over time</h2>\n<p class=\"hint\">The charts keep their size on a narrow screen: scroll them sideways.</p>\n");
        legend(b);
        timeline(b, state, h, v.coverage(), cycles, t0, t1, times);
        b.append("<h2>Synthetic round-trip delay (ms)</h2>\n");
        line(b, "round-trip", v.coverage(), h.interval(), cycles, CycleRecord::roundTripMs, t0, t1, "#1565c0", times);
        b.append("<h2>Data rate").append(esc(state.charted(AnalysisCheck.Chart.DATA_RATE)
                .map(c -> c.description().isEmpty() ? ": " + c.name() : ": " + c.description()).orElse(" (no check charts it)")))
                .append("</h2>\n");
        line(b, "data-rate", v.coverage(), h.interval(), cycles, CycleRecord::dataRate, t0, t1, "#6a1b9a", times);
        b.append("</body></html>\n");
        return b.toString();
    }

    private static final String CSS = "body{font:14px/1.45 system-ui,sans-serif;margin:16px;color:#1a1a1a;max-width:1000px}"
            + "h1{font-size:20px;margin:8px 0}h2{font-size:16px;margin:20px 0 6px}"
            + ".verdict{font-size:16px;padding:10px 12px;border-radius:6px;border:2px solid;margin:0 0 8px}"
            + ".verdict.passed{border-color:#2e7d32;background:#e8f5e9}.verdict.failed{border-color:#c62828;background:#ffebee}"
            + ".verdict.inconclusive{border-color:#5d4037;background:#fff8e1}"
            + ".badge{display:inline-block;padding:1px 8px;border-radius:4px;font-weight:700;white-space:nowrap;border:1px solid}"
            + ".passed .badge,.s-pass .badge{color:#1b5e20;background:#e8f5e9;border-color:#2e7d32}"
            + ".failed .badge,.s-fail .badge{color:#fff;background:#b71c1c;border-color:#b71c1c}"
            + ".inconclusive .badge,.s-inconclusive .badge{color:#3e2723;background:#ffe082;border-color:#8d6e00}"
            + ".s-skipped .badge{color:#263238;background:#eceff1;border-color:#607d8b}"
            + ".scroll{overflow-x:auto;max-width:100%}"
            + "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}"
            + "td.status{min-width:9em}td{overflow-wrap:break-word}"
            // a phone: each check becomes a card (name and status on one line, then what was seen, cause, fix)
            + ".hint{display:none;color:#555;font-size:13px}"
            + "@media (max-width:700px){body{margin:10px}.hint{display:block}table.checks,table.checks tbody,table.checks tr,table.checks td{display:block}"
            + "table.checks tr:first-child{display:none}table.checks tr{border:1px solid #bbb;border-radius:6px;margin:0 0 10px;padding:6px 8px}"
            + "table.checks td{border:0;padding:2px 0}table.checks td.name,table.checks td.status{display:inline-block;min-width:0;margin-right:10px;font-weight:700}"
            + "table.checks td.empty{display:none}table.checks td[data-label]::before{content:attr(data-label) \": \";font-weight:700}}"
            + "svg{display:block;margin:4px 0 20px;max-width:none}svg.defs{position:absolute;margin:0}svg text{font-family:system-ui,sans-serif}"
            + ".legend span{display:inline-block;margin-right:14px;white-space:nowrap}.legend svg{display:inline;margin:0 4px 0 0;vertical-align:middle}"
            + "@page{size:A4;margin:12mm}"
            + "@media print{body{margin:0;max-width:none;font-size:11px}.scroll{overflow:visible}"
            + "svg.chart{width:100%;height:auto}h2{break-after:avoid}svg,table{break-inside:avoid}}";

    private static final String DEFS = "<defs>"
            + "<pattern id=\"p-fail\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#c62828\"/><rect width=\"2\" height=\"6\" fill=\"#ffcdd2\"/></pattern>"
            + "<pattern id=\"p-error\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#ef6c00\"/><circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#fff3e0\"/></pattern>"
            + "<pattern id=\"p-inconclusive\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
            + "<rect width=\"6\" height=\"6\" fill=\"#9e9e9e\"/><rect y=\"2\" width=\"6\" height=\"2\" fill=\"#eeeeee\"/></pattern>"
            + "<pattern id=\"p-gap\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(-45)\">"
            + "<rect width=\"8\" height=\"8\" fill=\"#f8bbd0\"/><rect width=\"2\" height=\"8\" fill=\"#f48fb1\"/></pattern></defs>";

    private static String fill(Measurement.Result status) {
        return switch (status) {
            case PASS -> "#2e7d32";
            case FAIL -> "url(#p-fail)";
            case ERROR -> "url(#p-error)";
            case INCONCLUSIVE -> "url(#p-inconclusive)";
        };
    }

    private static String symbol(Measurement.Result status) {
        return switch (status) {
            case PASS -> "\u2713";
            case FAIL -> "\u2717";
            case ERROR -> "!";
            case INCONCLUSIVE -> "?";
        };
    }

    private static String symbol(Status status) {
        return switch (status) {
            case PASS -> "\u2713";
            case FAIL -> "\u2717";
            case INCONCLUSIVE -> "?";
            default -> "\u2013";
        };
    }

    private static String symbol(Outcome outcome) {
        return switch (outcome) {
            case PASSED -> "\u2713";
            case FAILED -> "\u2717";
            case INCONCLUSIVE -> "?";
        };
    }

    /** The one line at the top: what happened and what to do next. */
    static String nextStep(SoakState.Verdict v) {
        switch (v.outcome()) {
            case PASSED:
                return "The pipeline held for the whole soak (" + Progress.human(v.coverage().covered())
                        + " observed, no failed check). Next: retire the old stack with 'migrate retire'.";
            case FAILED: {
                List<CheckResult> failed = v.results().stream().filter(r -> r.status() == Status.FAIL).toList();
                // Checks that failed the same way share a fix: each fix once, and the restart once at the end.
                List<String> fixes = failed.stream().map(HtmlReport::fixOf).map(HtmlReport::withoutRestart).distinct().toList();
                return failed.size() + " check(s) failed: " + String.join(", ", failed.stream().map(CheckResult::name).toList())
                        + ". Next: " + String.join("; ", fixes) + ", then " + RESTART + ".";
            }
            default: {
                List<CheckResult> open = v.results().stream().filter(r -> r.status() == Status.INCONCLUSIVE).toList();
                CheckResult first = open.isEmpty() ? null : open.get(0);
                return "Not proven: " + (first == null ? "the soak has not decided" : first.name() + " is inconclusive")
                        + ". Next: " + (first == null ? "let the soak run its full duration" : fixOf(first)) + ".";
            }
        }
    }

    private static final String RESTART = "start over with 'migrate soak --restart'";

    /** "check X, then start over with 'migrate soak --restart'" -> "check X": the line says the restart once. */
    private static String withoutRestart(String fix) {
        return fix.endsWith(RESTART) ? fix.substring(0, fix.length() - RESTART.length()).replaceAll("[,;]?\\s*(then)?\\s*$", "")
                : fix;
    }

    private static String fixOf(CheckResult r) {
        String fix = r.fix().isBlank() ? "look at " + r.name() + " below" : r.fix().strip();
        return fix.endsWith(".") ? fix.substring(0, fix.length() - 1) : fix;
    }

    private static void legend(StringBuilder b) {
        b.append("<p class=\"legend\">");
        for (Measurement.Result r : Measurement.Result.values()) {
            b.append("<span><svg width=\"22\" height=\"14\" aria-hidden=\"true\"><rect width=\"22\" height=\"14\" fill=\"")
                    .append(fill(r)).append("\"/></svg>").append(symbol(r)).append(' ').append(r.label()).append("</span>");
        }
        b.append("<span><svg width=\"22\" height=\"14\" aria-hidden=\"true\">")
                .append("<rect width=\"22\" height=\"14\" fill=\"url(#p-gap)\"/></svg>gap (not observed)</span></p>\n");
    }

    private static void timeline(StringBuilder b, SoakState state, JournalHeader h, Coverage cov, List<CycleRecord> cycles,
                                 Instant t0, Instant t1, Times times) {
        int rowH = 18;
        int top = 14; // room for the gap labels
        int height = top + rowH * h.checks().size() + 34;
        svgOpen(b, "timeline", height, "per-check pass/fail timeline");
        gaps(b, cov, t0, t1, 0, top + rowH * h.checks().size(), true);
        for (int i = 0; i < h.checks().size(); i++) {
            String name = h.checks().get(i);
            CheckTally tally = state.tally(name);
            Duration every = tally == null ? h.interval() : tally.check().interval();
            int y = top + i * rowH;
            b.append("<text class=\"check\" x=\"0\" y=\"").append(y + 13).append("\" font-size=\"12\">").append(esc(name)).append("</text>\n");
            // Runs of the same status merge into one rectangle: 1,440 cycles stay a few dozen elements.
            Measurement.Result runStatus = null;
            Instant runFrom = null;
            Instant runTo = null;
            for (CycleRecord c : cycles) {
                Measurement m = c.results().stream().filter(x -> x.check().equals(name)).findFirst().orElse(null);
                if (m == null) {
                    continue;
                }
                Instant end = c.at().plus(every);
                if (m.status() == runStatus && !c.at().isAfter(runTo.plus(h.interval().dividedBy(2)))) {
                    runTo = end;
                    continue;
                }
                rect(b, name, runStatus, runFrom, runTo, t0, t1, y, times);
                runStatus = m.status();
                runFrom = c.at();
                runTo = end;
            }
            rect(b, name, runStatus, runFrom, runTo, t0, t1, y, times);
        }
        axis(b, t0, t1, top + rowH * h.checks().size(), times);
        b.append("</svg></div>\n");
    }

    private static void svgOpen(StringBuilder b, String id, int height, String label) {
        b.append("<div class=\"scroll\"><svg id=\"").append(id).append("\" class=\"chart\" width=\"").append(W).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(W).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(label).append("\">\n");
    }

    private static void rect(StringBuilder b, String name, Measurement.Result status, Instant from, Instant to,
                             Instant t0, Instant t1, int y, Times times) {
        if (status == null) {
            return;
        }
        double x0 = x(from, t0, t1);
        double x1 = Math.max(x0 + 1, x(to.isAfter(t1) ? t1 : to, t0, t1));
        b.append("<rect class=\"m ").append(status.label()).append("\" x=\"").append(fmt(x0)).append("\" y=\"").append(y + 2)
                .append("\" width=\"").append(fmt(x1 - x0)).append("\" height=\"14\" fill=\"").append(fill(status)).append("\"><title>")
                .append(esc(name + ": " + status.label() + " from " + times.full(from) + " to " + times.full(to))).append("</title></rect>\n");
        if (x1 - x0 >= 16) { // the status's symbol too, where it fits: colour is never the only sign
            b.append("<text class=\"run\" x=\"").append(fmt((x0 + x1) / 2)).append("\" y=\"").append(y + 13)
                    .append("\" font-size=\"11\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"0.6\" paint-order=\"stroke\">")
                    .append(symbol(status)).append("</text>\n");
        }
    }

    private static void line(StringBuilder b, String id, Coverage cov, Duration interval, List<CycleRecord> cycles,
                             Function<CycleRecord, Double> value, Instant t0, Instant t1, String color, Times times) {
        int plotH = 120;
        int top = 14;
        int height = top + plotH + 34;
        double max = cycles.stream().map(value).filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
        double ceiling = max <= 0 ? 1 : max * 1.1;
        svgOpen(b, id, height, id + " over time");
        gaps(b, cov, t0, t1, top, plotH, false);
        b.append("<text class=\"y\" x=\"").append(LEFT - 6).append("\" y=\"").append(top + 10).append("\" font-size=\"11\" text-anchor=\"end\">")
                .append(fmt(ceiling)).append("</text><text class=\"y\" x=\"").append(LEFT - 6).append("\" y=\"").append(top + plotH)
                .append("\" font-size=\"11\" text-anchor=\"end\">0</text>\n")
                .append("<line x1=\"").append(LEFT).append("\" y1=\"").append(top + plotH).append("\" x2=\"").append(LEFT + PLOT)
                .append("\" y2=\"").append(top + plotH).append("\" stroke=\"#999\"/>\n");
        List<String> points = new ArrayList<>();
        Instant prev = null;
        Duration slack = interval.plus(interval.dividedBy(2));
        for (CycleRecord c : cycles) {
            Double v = value.apply(c);
            if (v == null) {
                continue; // not measured or not delivered this cycle: the fail shows on the timeline
            }
            if (prev != null && Duration.between(prev, c.at()).compareTo(slack) > 0) {
                polyline(b, points, color, id); // never draw a line across a gap
                points.clear();
            }
            double y = top + plotH - (v / ceiling) * plotH;
            points.add(fmt(x(c.at(), t0, t1)) + "," + fmt(y));
            prev = c.at();
        }
        polyline(b, points, color, id);
        axis(b, t0, t1, top + plotH, times);
        b.append("</svg></div>\n");
    }

    private static void polyline(StringBuilder b, List<String> points, String color, String id) {
        if (points.isEmpty()) {
            return;
        }
        b.append("<polyline class=\"series ").append(id).append("\" fill=\"none\" stroke=\"").append(color)
                .append("\" stroke-width=\"1.5\" points=\"").append(String.join(" ", points)).append("\"/>\n");
    }

    /**
     * Shaded gaps; on the timeline each also gets a label with its length above the rows (centred on it, even
     * when the gap is narrower than its label; one that would touch the previous label is left to the table).
     */
    private static void gaps(StringBuilder b, Coverage cov, Instant t0, Instant t1, int y, int h, boolean labelled) {
        double lastRight = Double.NEGATIVE_INFINITY;
        for (Coverage.Gap g : cov.gaps()) {
            double x0 = x(g.from(), t0, t1);
            double x1 = Math.max(x0 + 1, x(g.to(), t0, t1));
            b.append("<rect class=\"gap\" x=\"").append(fmt(x0)).append("\" y=\"").append(y).append("\" width=\"")
                    .append(fmt(x1 - x0)).append("\" height=\"").append(h).append("\" fill=\"url(#p-gap)\" opacity=\"0.8\"><title>")
                    .append(esc("gap: not observed for " + Progress.human(g.length()))).append("</title></rect>\n");
            String label = "gap " + Progress.human(g.length());
            double half = label.length() * CHAR_W / 2;
            double mid = Math.max(LEFT + half, Math.min(LEFT + PLOT - half, (x0 + x1) / 2));
            if (labelled && mid - half >= lastRight + LABEL_GAP) {
                lastRight = mid + half;
                b.append("<text class=\"gap-label\" x=\"").append(fmt(mid)).append("\" y=\"11\" font-size=\"11\" text-anchor=\"middle\">")
                        .append(esc(label)).append("</text>\n");
            }
        }
    }

    /**
     * Ticks at round times in the report's zone, with a step chosen so that no two labels come closer than a
     * label's width plus a gap. Labels say HH:mm:ss below a minute's step, HH:mm below a day's (a tick at midnight
     * says the date instead), else the date.
     */
    private static void axis(StringBuilder b, Instant t0, Instant t1, int y, Times times) {
        long span = Math.max(1, Duration.between(t0, t1).getSeconds());
        long step = STEPS[STEPS.length - 1];
        for (long s : STEPS) {
            double width = times.label(t0, s).length() * CHAR_W + LABEL_GAP;
            if ((double) PLOT * s / span >= width) {
                step = s;
                break;
            }
        }
        long first = times.ceil(t0, step);
        b.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y).append("\" x2=\"").append(LEFT + PLOT).append("\" y2=\"")
                .append(y).append("\" stroke=\"#666\"/>\n");
        for (long at = first; at <= t1.getEpochSecond(); at += step) {
            Instant t = Instant.ofEpochSecond(at);
            double x = x(t, t0, t1);
            b.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(y).append("\" x2=\"").append(fmt(x)).append("\" y2=\"")
                    .append(y + 4).append("\" stroke=\"#666\"/><text class=\"tick\" x=\"").append(fmt(x)).append("\" y=\"").append(y + 16)
                    .append("\" font-size=\"").append(AXIS_FONT).append("\" text-anchor=\"middle\">").append(times.label(t, step)).append("</text>\n");
        }
        // the zone's name left of the axis, clear of the first label (centred on the axis' start)
        b.append("<text class=\"zone\" x=\"").append(fmt(LEFT - times.label(t0, step).length() * CHAR_W / 2 - LABEL_GAP)).append("\" y=\"").append(y + 16).append("\" font-size=\"")
                .append(AXIS_FONT).append("\" text-anchor=\"end\">").append(esc(times.zoneName())).append("</text>\n");
    }

    /** Formatting of instants in one zone, always to the second at most. */
    private record Times(ZoneId zone) {
        private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

        String full(Instant t) {
            return FULL.format(t.atZone(zone)) + " " + zoneName();
        }

        String zoneName() {
            return zone.normalized().equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId();
        }

        String label(Instant t, long step) {
            ZonedDateTime z = t.atZone(zone);
            if (step < 60) {
                return String.format(Locale.ROOT, "%02d:%02d:%02d", z.getHour(), z.getMinute(), z.getSecond());
            }
            boolean midnight = z.getHour() == 0 && z.getMinute() == 0;
            if (step < 86400 && !midnight) {
                return String.format(Locale.ROOT, "%02d:%02d", z.getHour(), z.getMinute());
            }
            return String.format(Locale.ROOT, "%02d-%02d", z.getMonthValue(), z.getDayOfMonth());
        }

        /** The first instant at or after {@code t} that is a whole multiple of {@code step} seconds in this zone. */
        long ceil(Instant t, long step) {
            long offset = zone.getRules().getOffset(t).getTotalSeconds();
            long local = t.getEpochSecond() + offset + (t.getNano() > 0 ? 1 : 0);
            long up = Math.floorDiv(local + step - 1, step) * step;
            return up - offset;
        }
    }

    private static double x(Instant t, Instant t0, Instant t1) {
        double span = Math.max(1, Duration.between(t0, t1).toMillis());
        double at = Math.max(0, Math.min(span, Duration.between(t0, t).toMillis()));
        return LEFT + at / span * PLOT;
    }

    private static String row(String k, String v) {
        return "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
