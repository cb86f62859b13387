package dev.migrate.soak;

import dev.migrate.checks.CheckResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One self-contained HTML file: verdict, per-check results, and inline SVG charts (per-check
 * pass/fail timeline, synthetic round-trip delay, data rate), with gaps shaded on every chart.
 * No scripts, no external CSS, fonts or images: it opens offline and can be mailed as is.
 */
public final class HtmlReport {
    private static final int W = 960;
    private static final int LEFT = 190;
    private static final int PLOT = W - LEFT - 20;

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

    public static String render(SoakState state, SoakState.Verdict v, List<CycleRecord> cycles) {
        JournalHeader h = state.header();
        Instant t0 = h.started();
        Instant t1 = h.deadline();
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>migrate soak: ")
                .append(esc(v.outcome().label())).append("</title>\n<style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1 span{padding:2px 10px;border-radius:4px;color:#fff}")
                .append(".passed{background:#2e7d32}.failed{background:#c62828}.inconclusive{background:#757575}")
                .append("table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
                .append("td.pass{color:#2e7d32}td.fail{color:#c62828}td.inconclusive,td.skipped{color:#757575}svg{display:block;margin:8px 0 24px}")
                .append("</style></head><body>\n");
        b.append("<h1>Soak <span class=\"").append(v.outcome().label()).append("\">").append(v.outcome().label())
                .append("</span></h1>\n<p>").append(esc(v.summary())).append("</p>\n<table>")
                .append(row("settings digest", h.settingsDigest())).append(row("checks", h.catalogue() + " " + h.catalogueDigest()))
                .append(row("started", t0.toString())).append(row("deadline", t1.toString()))
                .append(row("interval / max gap", h.intervalSeconds() + "s / " + h.maxGapSeconds() + "s"))
                .append(row("observed", v.coverage().covered().getSeconds() + "s of " + h.durationSeconds() + "s"))
                .append(row("gaps", v.coverage().gaps().size() + ", " + v.coverage().gapTotal().getSeconds() + "s"))
                .append("</table>\n<h2>Checks</h2>\n<table><tr><th>check</th><th>status</th><th>observed</th><th>cause</th><th>fix</th></tr>\n");
        for (CheckResult r : v.results()) {
            b.append("<tr><td>").append(esc(r.name())).append("</td><td class=\"").append(r.status().label()).append("\">")
                    .append(r.status().label()).append("</td><td>").append(esc(r.observed())).append("</td><td>")
                    .append(esc(r.cause())).append("</td><td>").append(esc(r.fix())).append("</td></tr>\n");
        }
        b.append("</table>\n<h2>Pass/fail over time</h2>\n");
        timeline(b, state, h, v.coverage(), cycles, t0, t1);
        b.append("<h2>Synthetic round-trip delay (ms)</h2>\n");
        line(b, "round-trip", v.coverage(), h.interval(), cycles, CycleRecord::roundTripMs, t0, t1, "#1565c0");
        b.append("<h2>Data rate").append(esc(state.charted(AnalysisCheck.Chart.DATA_RATE)
                .map(c -> c.description().isEmpty() ? ": " + c.name() : ": " + c.description()).orElse(" (no check charts it)")))
                .append("</h2>\n");
        line(b, "data-rate", v.coverage(), h.interval(), cycles, CycleRecord::dataRate, t0, t1, "#6a1b9a");
        b.append("<p>Legend: <span style=\"color:#2e7d32\">&#9632; pass</span> <span style=\"color:#c62828\">&#9632; fail</span> ")
                .append("<span style=\"color:#ef6c00\">&#9632; query error</span> <span style=\"color:#9e9e9e\">&#9632; inconclusive</span> ")
                .append("<span style=\"color:#f8bbd0\">&#9632; gap (not observed)</span></p>\n</body></html>\n");
        return b.toString();
    }

    private static void timeline(StringBuilder b, SoakState state, JournalHeader h, Coverage cov, List<CycleRecord> cycles, Instant t0, Instant t1) {
        int rowH = 16;
        int height = 30 + rowH * h.checks().size();
        b.append("<svg id=\"timeline\" width=\"").append(W).append("\" height=\"")
                .append(height).append("\" role=\"img\" aria-label=\"per-check pass/fail timeline\">\n");
        gaps(b, cov, t0, t1, 0, height - 20);
        for (int i = 0; i < h.checks().size(); i++) {
            String name = h.checks().get(i);
            CheckTally tally = state.tally(name);
            Duration every = tally == null ? h.interval() : tally.check().interval();
            int y = i * rowH;
            b.append("<text x=\"0\" y=\"").append(y + 12).append("\" font-size=\"12\">").append(esc(name)).append("</text>\n");
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
                rect(b, name, runStatus, runFrom, runTo, t0, t1, y);
                runStatus = m.status();
                runFrom = c.at();
                runTo = end;
            }
            rect(b, name, runStatus, runFrom, runTo, t0, t1, y);
        }
        axis(b, t0, t1, height - 18);
        b.append("</svg>\n");
    }

    private static void rect(StringBuilder b, String name, Measurement.Result status, Instant from, Instant to,
                             Instant t0, Instant t1, int y) {
        if (status == null) {
            return;
        }
        String color = switch (status) {
            case PASS -> "#2e7d32";
            case FAIL -> "#c62828";
            case ERROR -> "#ef6c00";
            case INCONCLUSIVE -> "#9e9e9e";
        };
        double x0 = x(from, t0, t1);
        double x1 = Math.max(x0 + 1, x(to.isAfter(t1) ? t1 : to, t0, t1));
        b.append("<rect class=\"m ").append(status.label()).append("\" x=\"").append(fmt(x0)).append("\" y=\"").append(y + 2)
                .append("\" width=\"").append(fmt(x1 - x0)).append("\" height=\"12\" fill=\"").append(color).append("\"><title>")
                .append(esc(name + " " + status.label() + " " + from + " to " + to)).append("</title></rect>\n");
    }

    private static void line(StringBuilder b, String id, Coverage cov, Duration interval, List<CycleRecord> cycles,
                             Function<CycleRecord, Double> value, Instant t0, Instant t1, String color) {
        int height = 160;
        int plotH = height - 40;
        double max = cycles.stream().map(value).filter(v -> v != null).mapToDouble(Double::doubleValue).max().orElse(0);
        double top = max <= 0 ? 1 : max * 1.1;
        b.append("<svg id=\"").append(id).append("\" width=\"").append(W)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(id).append(" over time\">\n");
        gaps(b, cov, t0, t1, 10, plotH);
        b.append("<text x=\"0\" y=\"18\" font-size=\"12\">").append(fmt(top)).append("</text><text x=\"0\" y=\"")
                .append(10 + plotH).append("\" font-size=\"12\">0</text>\n")
                .append("<line x1=\"").append(LEFT).append("\" y1=\"").append(10 + plotH).append("\" x2=\"").append(LEFT + PLOT)
                .append("\" y2=\"").append(10 + plotH).append("\" stroke=\"#999\"/>\n");
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
            double y = 10 + plotH - (v / top) * plotH;
            points.add(fmt(x(c.at(), t0, t1)) + "," + fmt(y));
            prev = c.at();
        }
        polyline(b, points, color, id);
        axis(b, t0, t1, height - 28);
        b.append("</svg>\n");
    }

    private static void polyline(StringBuilder b, List<String> points, String color, String id) {
        if (points.isEmpty()) {
            return;
        }
        b.append("<polyline class=\"series ").append(id).append("\" fill=\"none\" stroke=\"").append(color)
                .append("\" stroke-width=\"1.5\" points=\"").append(String.join(" ", points)).append("\"/>\n");
    }

    private static void gaps(StringBuilder b, Coverage cov, Instant t0, Instant t1, int y, int h) {
        for (Coverage.Gap g : cov.gaps()) {
            double x0 = x(g.from(), t0, t1);
            double x1 = Math.max(x0 + 1, x(g.to(), t0, t1));
            b.append("<rect class=\"gap\" x=\"").append(fmt(x0)).append("\" y=\"").append(y).append("\" width=\"")
                    .append(fmt(x1 - x0)).append("\" height=\"").append(h).append("\" fill=\"#f8bbd0\"><title>")
                    .append(esc("gap: not observed from " + g.from() + " to " + g.to())).append("</title></rect>\n");
        }
    }

    private static void axis(StringBuilder b, Instant t0, Instant t1, int y) {
        long total = Duration.between(t0, t1).getSeconds();
        for (int i = 0; i <= 4; i++) {
            Instant t = t0.plusSeconds(total * i / 4);
            double x = x(t, t0, t1);
            String anchor = i == 0 ? "start" : i == 4 ? "end" : "middle";
            b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(y + 14).append("\" font-size=\"11\" text-anchor=\"")
                    .append(anchor).append("\">").append(esc(t.toString().replace("T", " ").replace("Z", ""))).append("</text>\n");
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
