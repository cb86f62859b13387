package dev.migrate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.incluster.InCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak report as headless Chromium (Debian's /usr/bin/chromium) lays it out, for a simulated 24-hour soak
 * (two failed cycles, an hour without data and a 45-minute gap) and a 20-second one, at 1280 px and 390 px: no two
 * axis labels of a chart overlap and every status cell has a word in it, read from the DOM's bounding boxes.
 * Screenshots land in target/soak-report/ for a person to look at.
 */
class SoakReportBrowserTest {
    static final Path OUT = Path.of("target", "soak-report");
    static final Instant T0 = SoakCommandTest.T0;

    @TempDir
    Path dir;

    /** Runs `migrate soak` on simulated time through SoakCommandTest's wiring; returns the report.html. */
    private Path soak(FakePrometheus prometheus, SimulatedClock clock, int expectedExit, String... extra) throws Exception {
        SoakCommandTest t = new SoakCommandTest();
        t.dir = dir;
        t.wiring = new SoakCommand.Wiring(clock, (o, s) -> SoakCommandTest.edges(prometheus, new ArrayList<>()), InCluster.FABRIC8);
        Object[] r = t.run(t.args(extra));
        assertEquals(expectedExit, r[0], r[1] + "" + r[2]);
        return dir.resolve("state/soak/report.html");
    }

    @Test
    void aDayLongSoakWithFailuresAndAGapReadsAtAGlanceOnADesktopAndAPhone() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        Instant gapFrom = T0.plus(Duration.ofHours(18));
        clock.onSleep(to -> to.equals(gapFrom) ? to.plus(Duration.ofMinutes(45)) : to);
        FakePrometheus prometheus = new FakePrometheus((q, at) -> {
            long minute = Duration.between(T0, at).toMinutes();
            if (q.startsWith("up")) {
                return FakePrometheus.value(minute >= 600 && minute < 602 ? 0 : 1); // down for two cycles: within failureLimit
            }
            if (q.contains("rate(")) {
                return minute >= 840 && minute < 900 ? List.of() : FakePrometheus.value(10 + 5 * Math.sin(minute / 90.0));
            }
            return FakePrometheus.value(0);
        });
        Path html = soak(prometheus, clock, ExitCodes.INCONCLUSIVE);
        String page = Files.readString(html);
        assertTrue(page.contains("<p id=\"verdict\" class=\"verdict inconclusive\"><span class=\"badge\">? INCONCLUSIVE</span> "
                + "Not proven: coverage is inconclusive. Next: start over with 'migrate soak --restart'"), page.substring(page.indexOf("<body>")));
        assertFalse(page.matches("(?s).*\\d{2}:\\d{2}:\\d{2}\\.\\d.*"), "no fractional seconds anywhere");
        Files.createDirectories(OUT);
        Files.copy(html, OUT.resolve("day.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(page.contains("2026-11-27 18:00:00 UTC") && page.contains("gap 45m"), "the gap is listed and labelled");
        for (int width : new int[] {1280, 390}) {
            Layout layout = layout(html, width, "day-" + width);
            layout.assertReadable();
            assertTrue(layout.ticks("timeline") >= 6, "a day is told in more than a few ticks: " + layout.ticks("timeline"));
        }
    }

    @Test
    void aTwentySecondSoakGetsSecondsOnItsAxisWithoutOverlap() throws Exception {
        Path html = soak(FakePrometheus.healthy(), new SimulatedClock(T0), ExitCodes.OK, "--duration", "20s", "--interval", "1s");
        String page = Files.readString(html);
        assertTrue(page.contains("\u2713 PASSED</span> The pipeline held for the whole soak"), page.substring(0, 2000));
        assertTrue(page.contains(">00:00:10</text>"), "ticks to the second for a 20 s soak");
        for (int width : new int[] {1280, 390}) {
            Layout layout = layout(html, width, "20s-" + width);
            layout.assertReadable();
        }
    }

    /** What the browser laid out: per chart its tick labels' boxes, and each status cell's text and box. */
    record Layout(String name, JsonNode boxes) {
        int ticks(String chart) {
            for (JsonNode c : boxes.get("charts")) {
                if (c.get("chart").asText().equals(chart)) {
                    return c.get("ticks").size();
                }
            }
            throw new AssertionError("no chart " + chart);
        }

        void assertReadable() {
            assertEquals(3, boxes.get("charts").size(), name + ": three charts");
            for (JsonNode c : boxes.get("charts")) {
                JsonNode t = c.get("ticks");
                assertTrue(t.size() >= 3, name + " " + c.get("chart") + ": axis labels " + t);
                for (int i = 0; i < t.size(); i++) {
                    for (int j = i + 1; j < t.size(); j++) {
                        JsonNode a = t.get(i);
                        JsonNode b = t.get(j);
                        boolean apart = a.get(2).asDouble() <= b.get(1).asDouble() || b.get(2).asDouble() <= a.get(1).asDouble()
                                || a.get(4).asDouble() <= b.get(3).asDouble() || b.get(4).asDouble() <= a.get(3).asDouble();
                        assertTrue(apart, name + " " + c.get("chart") + ": labels " + a + " and " + b + " overlap");
                    }
                    assertTrue(t.get(i).get(2).asDouble() - t.get(i).get(1).asDouble() > 0, name + ": label has no width " + t.get(i));
                }
            }
            JsonNode cells = boxes.get("cells");
            assertTrue(cells.size() >= 5, name + ": status cells " + cells);
            for (JsonNode cell : cells) {
                assertTrue(cell.get(0).asText().matches("[\u2713\u2717?\u2013] (PASS|FAIL|INCONCLUSIVE|SKIPPED)"),
                        name + ": status cell without its word: " + cell);
                assertTrue(cell.get(1).asDouble() > 0 && cell.get(2).asDouble() > 0, name + ": status cell not laid out " + cell);
            }
        }
    }

    private static final String PROBE = "<script>(function(){var charts=[];"
            + "document.querySelectorAll('svg.chart').forEach(function(svg){var ticks=[];"
            + "svg.querySelectorAll('text.tick,text.zone').forEach(function(t){var r=t.getBoundingClientRect();"
            + "ticks.push([t.textContent,r.left,r.right,r.top,r.bottom]);});charts.push({chart:svg.id,ticks:ticks});});"
            + "var cells=[];document.querySelectorAll('td.status').forEach(function(td){var r=td.getBoundingClientRect();"
            + "cells.push([td.innerText.trim(),r.width,r.height]);});"
            + "var pre=document.createElement('pre');pre.id='boxes';pre.textContent=JSON.stringify({charts:charts,cells:cells});"
            + "document.body.appendChild(pre);})();</script>";

    /**
     * Screenshot of the report at this width, and the boxes: a copy of the page with a probe script that writes
     * them into the DOM, read back with --dump-dom (the report itself has no script).
     */
    static Layout layout(Path html, int width, String name) throws Exception {
        Files.createDirectories(OUT);
        Path shot = OUT.resolve(name + ".png").toAbsolutePath();
        chromium(width, "--screenshot=" + shot, html.toUri().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot written: " + shot);
        Path probed = html.resolveSibling("probed-" + width + ".html");
        Files.writeString(probed, Files.readString(html).replace("</body>", PROBE + "</body>"));
        String dom = chromium(width, "--dump-dom", probed.toUri().toString());
        int at = dom.indexOf("<pre id=\"boxes\">");
        assertTrue(at >= 0, "the probe ran: " + dom.substring(Math.max(0, dom.length() - 300)));
        String json = dom.substring(at + "<pre id=\"boxes\">".length(), dom.indexOf("</pre>", at))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        return new Layout(name, Json.MAPPER.readTree(json));
    }

    private static String chromium(int width, String... args) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "needs Chromium for the HTML report test: apt-get install -y chromium");
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + "," + (width < 600 ? 4200 : 2400)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        return out;
    }
}
