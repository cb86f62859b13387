package dev.migrate.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three renderers of one run: same facts, each in its documented shape. */
class ReportsTest {
    static final Instant START = Instant.parse("2026-11-27T06:00:00Z");
    static final RunReport REPORT = RunReport.of("verify", START, START.plusMillis(1234), List.of(
            CheckResult.pass("scrape-target", "1 target(s) up").withElapsed(Duration.ofMillis(12)),
            CheckResult.fail("dashboard", "panel 'Cost' <broken> & \"odd\"", "Prometheus rejects it", "fix the JSON")
                    .withElapsed(Duration.ofMillis(40)),
            CheckResult.inconclusive("client-data", "no series", "no session ran", "run migrate client-env"),
            CheckResult.skipped("cluster", "needs the cluster: give --context")));

    @Test
    void jsonIsTheDocumentedStableShape() throws Exception {
        JsonNode doc = Json.MAPPER.readTree(JsonReport.render(REPORT));
        assertEquals(List.of("schema", "step", "startedAt", "finishedAt", "elapsedMs", "outcome", "exitCode", "counts", "results"),
                iterable(doc.fieldNames()));
        assertEquals("migrate.check-report/v1", doc.get("schema").asText());
        assertEquals("failed", doc.get("outcome").asText());
        assertEquals(1, doc.get("exitCode").asInt());
        assertEquals(1234, doc.get("elapsedMs").asLong());
        assertEquals("{\"fail\":1,\"inconclusive\":1,\"pass\":1,\"skipped\":1}", doc.get("counts").toString());
        JsonNode dash = doc.get("results").get(1);
        assertEquals(List.of("name", "status", "observed", "cause", "fix", "elapsedMs"), iterable(dash.fieldNames()));
        assertEquals("fail", dash.get("status").asText());
        assertEquals(40, dash.get("elapsedMs").asLong());
    }

    @Test
    void textIsATableWithCauseAndFixAndColourOnlyWhenAsked() {
        String plain = TextReport.render(REPORT, false);
        assertTrue(plain.startsWith("STATUS        CHECK"), plain);
        assertTrue(plain.contains("FAIL          dashboard"), plain);
        assertTrue(plain.contains("cause: Prometheus rejects it") && plain.contains("fix:   run migrate client-env"), plain);
        assertTrue(plain.contains("needs the cluster: give --context"), "a skipped check shows why");
        assertTrue(plain.contains("verify: failed (1 passed, 1 failed, 1 inconclusive, 1 skipped) in 1.2s"), plain);
        assertFalse(plain.contains("\u001b["));
        String coloured = TextReport.render(REPORT, true);
        assertTrue(coloured.contains("\u001b[31mFAIL"), coloured);
        assertEquals(plain, coloured.replaceAll("\u001b\\[[0-9;]*m", ""), "colour changes nothing else");
    }

    @Test
    void junitMapsFailSkippedAndInconclusive() throws Exception {
        String xml = JUnitReport.render(REPORT);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = d.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("2", suite.getAttribute("skipped"));
        assertEquals("1.234", suite.getAttribute("time"));
        Element failure = (Element) d.getElementsByTagName("failure").item(0);
        assertEquals("Prometheus rejects it", failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("panel 'Cost' <broken> & \"odd\""), "escaped and read back intact");
        Element inconclusive = (Element) d.getElementsByTagName("skipped").item(0);
        assertTrue(inconclusive.getAttribute("message").startsWith("inconclusive: no session ran"));
    }

    @Test
    void theVerdictIsTheOneGivenNotRecomputed() {
        RunReport allSkipped = new RunReport("verify", START, START, Outcome.INCONCLUSIVE,
                List.of(CheckResult.skipped("cluster", "no context")));
        assertTrue(JsonReport.render(allSkipped).contains("\"outcome\" : \"inconclusive\""));
        assertTrue(TextReport.render(allSkipped, false).contains("verify: inconclusive"));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
