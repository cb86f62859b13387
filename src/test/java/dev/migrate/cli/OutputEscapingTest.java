package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.endpoints.EndpointException;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.incluster.InCluster;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Text that came from outside (a ledger anyone can edit, a Prometheus error) reaches the terminal
 * and the text reports escaped (io/Printable): no ESC sequence, NUL, DEL, C1 CSI (U+009B) or
 * right-to-left override (U+202E, which makes "deliaf" read as "failed") gets through raw.
 */
class OutputEscapingTest {
    /** ESC sequence, NUL, DEL, 8-bit CSI and a right-to-left override. */
    static final String HOSTILE = "ok \u001b[2J\u001b]0;pwned\u0007 nul\u0000 del\u007f csi\u009b31m \u202edessap";

    @TempDir
    Path dir;

    static void assertNoRawControls(String where, String text) {
        for (char c : new char[] {0x1b, 0x00, 0x07, 0x7f, 0x9b, 0x202e}) {
            assertFalse(text.indexOf(c) >= 0, where + " holds a raw U+" + String.format("%04X", (int) c) + ": " + text);
        }
    }

    private Path ledger(String details) throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        String deploy = "{\"step\":\"deploy\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:01:00Z\","
                + "\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"" + json(HOSTILE) + "\",\"reportPath\":\"\","
                + "\"details\":{" + details + "}}\n";
        String verify = deploy.replace("\"deploy\"", "\"verify\"").replace("\"passed\"", "\"" + json("failed\u202e") + "\"");
        Files.writeString(state.resolve("ledger.jsonl"), deploy + verify);
        return state;
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    @Test
    void statusEscapesTheLedgersSummariesAndOutcomes() throws Exception {
        Path state = ledger("");
        CliRun run = CliRun.of("status", "--config", Files.writeString(dir.resolve("migrate.yaml"), "").toString(),
                "--state-dir", state.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertNoRawControls("status", run.out());
        assertTrue(run.out().contains("ok \\e[2J\\e]0;pwned\\x07 nul\\x00 del\\x7f csi\\x9b31m \\u202edessap"), run.out());
        assertTrue(run.out().contains("failed\\u202e"), run.out());
    }

    /** JSON is read by programs and by people in a terminal: the same text, escaped as JSON allows. */
    @Test
    void statusInJsonEscapesWhatATerminalWouldObey() throws Exception {
        Path state = ledger("");
        CliRun run = CliRun.of("status", "--config", Files.writeString(dir.resolve("migrate.yaml"), "").toString(),
                "--state-dir", state.toString(), "-o", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertNoRawControls("status -o json", run.out());
        assertTrue(run.out().contains("\\u001B[2J") && run.out().contains("del\\u007F csi\\u009B31m \\u202Edessap"), run.out());
        // a JSON reader gets the ledger's text back unchanged
        assertTrue(dev.migrate.Json.MAPPER.readTree(run.out()).findValuesAsText("summary").contains(HOSTILE), run.out());
    }

    @Test
    void recordWithoutOutEscapesTheLedgersDetails() throws Exception {
        Path state = ledger("\"context\":\"" + json("home" + HOSTILE) + "\",\"server\":\"https://10.10.30.10:6443\","
                + "\"namespace\":\"monitoring\",\"vip\":\"10.10.30.22\"");
        CliRun run = CliRun.of("record", "--config", Files.writeString(dir.resolve("migrate.yaml"), "").toString(),
                "--state-dir", state.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("home"), run.out());
        assertNoRawControls("record", run.out());
    }

    @Test
    void soaksProgressSummaryAndReportsEscapePrometheusErrorText() throws Exception {
        // A double: a real Prometheus does not put terminal escapes in its errors on demand.
        FakePrometheus hostile = new FakePrometheus((q, at) -> {
            if (q.equals("vector(1)")) {
                return FakePrometheus.value(1);
            }
            throw new EndpointException(EndpointException.Kind.BAD_REQUEST, "http://127.0.0.1:9/api/v1/query", "bad_data: " + HOSTILE);
        });
        SoakCommand.Wiring wiring = new SoakCommand.Wiring(new SimulatedClock(SoakCommandTest.T0),
                (o, s) -> SoakCommandTest.edges(hostile, new ArrayList<>()), InCluster.FABRIC8);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SoakCommand.class ? type.cast(new SoakCommand(wiring)) : CommandLine.defaultFactory().create(type);
            }
        };
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Files.writeString(checks.resolve("soak.yaml"), dev.migrate.soak.SoakTestCatalogue.YAML);
        Path config = Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n");
        List<String> args = List.of("soak", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--prometheus-url", "http://127.0.0.1:9", "--otlp-endpoint", "http://127.0.0.1:9", "--duration", "1h");
        CliRun run = CliRun.of(factory, args.toArray(String[]::new));
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("failure: ") && run.out().contains("\\e[2J"), "the progress line shows the failure: " + run.out());
        assertNoRawControls("soak's output", run.out() + run.err());
        assertNoRawControls("report.txt", Files.readString(dir.resolve("state/soak/report.txt")));
        List<String> report = new ArrayList<>(args);
        report.add("--report");
        CliRun again = CliRun.of(factory, report.toArray(String[]::new));
        assertTrue(again.out().contains("\\e[2J"), again.out());
        assertNoRawControls("soak --report", again.out() + again.err());
    }
}
