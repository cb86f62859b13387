package dev.migrate.soak;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

    SoakState state() {
        SoakState s = new SoakState(SoakTestCatalogue.catalogue());
        s.header(JournalHeader.of("sha256:x", SoakTestCatalogue.catalogue(), T0, Duration.ofHours(24), Duration.ofSeconds(60),
                Duration.ofMinutes(5)));
        return s;
    }

    static CycleRecord cycle(long seq, Instant at, Measurement.Result up) {
        return new CycleRecord(CycleRecord.TYPE, seq, at, List.of(new Measurement("collector-up", up, null,
                up == Measurement.Result.PASS ? "" : "up{job:otel-collector} = 0")), null, null);
    }

    @Test
    void theTerminalBarRedrawsOneLineWithTheLastFailure() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress bar = new Progress.Bar(new PrintWriter(buf, true, StandardCharsets.UTF_8), 200);
        SoakState s = state();
        for (int i = 0; i < 3; i++) {
            Instant at = T0.plus(Duration.ofHours(6)).plusSeconds(60L * i);
            s.cycle(cycle(i + 1, at, i == 1 ? Measurement.Result.FAIL : Measurement.Result.PASS));
            bar.cycle(s, at);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\n"), "one line, redrawn in place");
        assertEquals(3, out.chars().filter(c -> c == '\r').count());
        String last = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("[#####...............] soak 6h02m elapsed, 17h58m left | cycles 2 ok, 1 with failures | last: "
                + "2026-11-27T06:01:00Z collector-up: up{job:otel-collector} = 0"), last);
        bar.done();
        assertTrue(buf.toString(StandardCharsets.UTF_8).endsWith("\n"));
    }

    @Test
    void withoutATerminalItPrintsAPlainLineEveryPeriodAndEveryFailure() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress lines = new Progress.Lines(new PrintWriter(buf, true, StandardCharsets.UTF_8), Duration.ofMinutes(10));
        SoakState s = state();
        for (int i = 0; i < 60; i++) {
            Instant at = T0.plusSeconds(60L * i);
            s.cycle(cycle(i + 1, at, i == 25 ? Measurement.Result.FAIL : Measurement.Result.PASS));
            lines.cycle(s, at);
        }
        List<String> printed = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(7, printed.size(), printed.toString()); // 00:00, 00:10 ... 00:50 and the failure at 00:25
        assertFalse(buf.toString(StandardCharsets.UTF_8).contains("\r"));
        assertTrue(printed.get(3).startsWith("2026-11-27T00:25:00Z soak 25m elapsed") && printed.get(3).contains("| failure: "),
                printed.get(3));
    }
}
