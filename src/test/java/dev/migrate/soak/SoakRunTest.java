package dev.migrate.soak;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;
import dev.migrate.ledger.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole soaks in simulated time: 24 hours at 60 s intervals run in well under a second of wall time. */
class SoakRunTest {
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
    static final Duration DAY = Duration.ofHours(24);
    static final Duration MINUTE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    final List<String> warnings = new ArrayList<>();

    SoakSession.Wanted wanted(String digest) {
        return new SoakSession.Wanted(SoakTestCatalogue.catalogue(), digest, DAY, MINUTE, Duration.ofMinutes(5));
    }

    RoundTrip fastProbe() {
        return () -> new RoundTrip.Result(true, Duration.ofMillis(2500), "found");
    }

    /** Opens (or resumes) a soak in {@code dir} and runs it until it ends or {@code stopAfter} cycles. */
    SoakRunner.Ending run(SimulatedClock clock, FakePrometheus prom, int stopAfter, SoakSession.Opened[] out) {
        SoakSession session = new SoakSession(new Ledger(dir));
        SoakSession.Opened o = session.open(wanted("sha256:aaaa"), clock.now(), false, warnings::add, null);
        out[0] = o;
        AtomicInteger cycles = new AtomicInteger();
        Progress counting = (s, now) -> cycles.incrementAndGet();
        SoakRunner runner = new SoakRunner(SoakTestCatalogue.catalogue(), new Analyzer(prom, null, fastProbe(), null),
                o.journal(), o.state(), clock, counting);
        SoakRunner.Ending e = runner.run(() -> stopAfter > 0 && cycles.get() >= stopAfter);
        o.journal().close();
        return e;
    }

    @Test
    void aFullDayAtOneMinutePassesWithFullCoverage() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        FakePrometheus prom = FakePrometheus.healthy();
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        long wall = System.nanoTime();
        assertEquals(SoakRunner.Ending.FINISHED, run(clock, prom, 0, o));
        Duration took = Duration.ofNanos(System.nanoTime() - wall);
        SoakState s = o[0].state();
        assertEquals(1440, s.cycles());
        assertEquals(T0.plus(DAY), clock.now());
        SoakState.Verdict v = s.verdict(clock.now());
        assertEquals(Outcome.PASSED, v.outcome(), SoakReports.text(s, v));
        assertEquals(DAY, v.coverage().covered());
        assertTrue(v.coverage().gaps().isEmpty());
        // the 5-minute check ran every fifth cycle; the others every cycle
        assertTrue(v.results().get(2).observed().startsWith("288 measured"), v.results().get(2).observed());
        assertTrue(v.results().get(0).observed().startsWith("1440 measured"), v.results().get(0).observed());
        assertTrue(took.toSeconds() < 30, "simulated time: " + took);
        Path journal = dir.resolve("soak/journal.jsonl");
        assertEquals(1441, Files.readAllLines(journal).size());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)));
    }

    @Test
    void sixHoursAsleepIsAGapAndNotAPass() {
        SimulatedClock clock = new SimulatedClock(T0);
        Instant sleepAt = T0.plus(Duration.ofHours(10));
        // the laptop sleeps through the wake-up planned at 10:00 and wakes at 16:00
        clock.onSleep(to -> to.equals(sleepAt) ? to.plus(Duration.ofHours(6)) : to);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.DECIDED, run(clock, FakePrometheus.healthy(), 0, o));
        SoakState s = o[0].state();
        SoakState.Verdict v = s.verdict(clock.now());
        assertEquals(Outcome.INCONCLUSIVE, v.outcome());
        assertEquals(1, v.coverage().gaps().size());
        assertEquals(Duration.ofHours(6), v.coverage().gaps().get(0).length());
        assertEquals(T0.plus(Duration.ofHours(10)), v.coverage().gaps().get(0).from());
        assertEquals(Duration.ofHours(10), v.coverage().covered());
        var coverage = v.results().get(v.results().size() - 1);
        assertEquals(Status.INCONCLUSIVE, coverage.status());
        assertTrue(coverage.observed().contains("1 gap(s) totalling 6h"), coverage.observed());
        assertTrue(coverage.fix().contains("migrate soak --restart"), coverage.fix());
    }

    @Test
    void aCollectorThatStopsBeingScrapedFailsTheSoakEarlyForThatReason() {
        SimulatedClock clock = new SimulatedClock(T0);
        Instant dies = T0.plus(Duration.ofHours(3));
        FakePrometheus prom = new FakePrometheus((q, at) -> q.startsWith("up")
                ? FakePrometheus.value(at.isBefore(dies) ? 1 : 0) : q.contains("rate(") ? FakePrometheus.value(3) : FakePrometheus.value(0));
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.DECIDED, run(clock, prom, 0, o));
        SoakState.Verdict v = o[0].state().verdict(clock.now());
        assertEquals(Outcome.FAILED, v.outcome());
        assertEquals(Status.FAIL, v.results().get(0).status());
        assertEquals("collector-up", v.results().get(0).name());
        // failureLimit 2: the third failed measurement decides it, at 03:02
        assertEquals(dies.plus(Duration.ofMinutes(2)), clock.now());
        assertTrue(v.results().get(0).observed().contains("3 failed (limit 2)"), v.results().get(0).observed());
        assertEquals(Status.PASS, v.results().get(1).status());
    }

    @Test
    void prometheusDownForAFewCyclesIsToleratedButNotForever() {
        SimulatedClock clock = new SimulatedClock(T0);
        Instant from = T0.plus(Duration.ofHours(1));
        // down for 3 cycles (the limit): the soak goes on and passes
        FakePrometheus blip = new FakePrometheus((q, at) -> !at.isBefore(from) && at.isBefore(from.plus(Duration.ofMinutes(3)))
                ? null : FakePrometheus.healthy().answer.apply(q, at));
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.FINISHED, run(clock, blip, 0, o));
        assertEquals(Outcome.PASSED, o[0].state().verdict(clock.now()).outcome());
    }

    @Test
    void prometheusDownForLongerThanTheErrorLimitFailsTheSoak() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        Instant from = T0.plus(Duration.ofHours(1));
        FakePrometheus down = new FakePrometheus((q, at) -> at.isBefore(from) ? FakePrometheus.healthy().answer.apply(q, at) : null);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.DECIDED, run(clock, down, 0, o));
        var up = o[0].state().verdict(clock.now()).results().get(0);
        assertEquals(Status.FAIL, up.status());
        assertTrue(up.observed().startsWith("4 query errors in a row (consecutiveErrorLimit 3)"), up.observed());
        assertTrue(up.observed().contains("connection refused"), up.observed());
    }

    @Test
    void aResumedSoakContinuesTheSameCountsAndCoverage() {
        SimulatedClock clock = new SimulatedClock(T0);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.STOPPED, run(clock, FakePrometheus.healthy(), 600, o));
        assertEquals(SoakSession.Mode.NEW, o[0].mode());
        clock.advance(Duration.ofSeconds(30)); // restarted within the same interval: no gap
        assertEquals(SoakRunner.Ending.FINISHED, run(clock, FakePrometheus.healthy(), 0, o));
        assertEquals(SoakSession.Mode.RESUMED, o[0].mode());
        SoakState.Verdict v = o[0].state().verdict(clock.now());
        assertEquals(1440, o[0].state().cycles());
        assertEquals(DAY, v.coverage().covered());
        assertEquals(Outcome.PASSED, v.outcome());
    }

    @Test
    void aTornLastLineIsIgnoredWithAWarningAndOverwritten() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        run(clock, FakePrometheus.healthy(), 10, o);
        Path journal = dir.resolve("soak/journal.jsonl");
        Files.writeString(journal, "{\"type\":\"cycle\",\"seq\":11,\"at\":\"2026-11-27T00:1", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        clock.advance(Duration.ofSeconds(20));
        run(clock, FakePrometheus.healthy(), 5, o);
        assertEquals(SoakSession.Mode.RESUMED, o[0].mode());
        assertTrue(warnings.stream().anyMatch(w -> w.contains("ignoring a torn last record (line 12")), warnings.toString());
        List<String> lines = Files.readAllLines(journal);
        assertEquals(1 + 15, lines.size());
        for (String line : lines) {
            Journal.LINE.readTree(line); // every line whole again
        }
        assertEquals(15, o[0].state().cycles());
    }

    @Test
    void damageInTheMiddleIsRefusedNotSkipped() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        run(clock, FakePrometheus.healthy(), 5, o);
        Path journal = dir.resolve("soak/journal.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.set(3, "garbage");
        Files.write(journal, lines);
        UserError e = assertThrows(UserError.class, () -> run(clock, FakePrometheus.healthy(), 5, o));
        assertTrue(e.getMessage().contains("is damaged at line 4") && e.getMessage().contains("--restart"), e.getMessage());
    }

    @Test
    void aJournalFromOtherSettingsIsRefusedAndRestartArchivesIt() throws Exception {
        SimulatedClock clock = new SimulatedClock(T0);
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        run(clock, FakePrometheus.healthy(), 5, o);
        SoakSession session = new SoakSession(new Ledger(dir));
        UserError e = assertThrows(UserError.class, () -> session.open(wanted("sha256:bbbb"), clock.now(), false, warnings::add, null));
        assertEquals(ExitCodes.REFUSED, e.exitCode());
        assertEquals("the soak journal " + dir.resolve("soak/journal.jsonl") + " belongs to a soak with other settings sha256:aaaa "
                + "(now sha256:bbbb); resume it with the same settings, or start over with 'migrate soak --restart' (archives the old journal)",
                e.getMessage());
        SoakSession.Opened fresh = session.open(wanted("sha256:bbbb"), clock.now(), true, warnings::add, null);
        fresh.journal().close();
        assertEquals(SoakSession.Mode.NEW, fresh.mode());
        assertEquals(0, fresh.state().cycles());
        try (var files = Files.list(dir.resolve("soak"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().matches("journal-\\d{8}T\\d{6}Z\\.jsonl")));
        }
    }

    @Test
    void anUnwritableStateDirectoryIsAOneLineError() throws Exception {
        Path notADir = dir.resolve("state");
        Files.writeString(notADir, "a file where the state directory should be");
        SoakSession session = new SoakSession(new Ledger(notADir));
        UserError e = assertThrows(UserError.class, () -> session.open(wanted("sha256:aaaa"), T0, false, warnings::add, null));
        assertTrue(e.getMessage().startsWith("cannot create the state directory " + notADir)
                || e.getMessage().startsWith("cannot create " + notADir), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anUnreadableJournalIsAOneLineError() throws Exception {
        Path journal = dir.resolve("soak/journal.jsonl");
        Files.createDirectories(journal); // a directory where the journal file should be: unreadable as a file
        SoakSession session = new SoakSession(new Ledger(dir));
        UserError e = assertThrows(UserError.class, () -> session.open(wanted("sha256:aaaa"), T0, false, warnings::add, null));
        assertTrue(e.getMessage().startsWith("cannot read the soak journal " + journal), e.getMessage());
        assertTrue(e.getMessage().endsWith("or start over with 'migrate soak --restart'"), e.getMessage());
    }

    @Test
    void aSecondSoakOnTheSameJournalIsRefusedAndCannotArchiveIt() {
        SoakSession session = new SoakSession(new Ledger(dir));
        SoakSession.Opened live = session.open(wanted("sha256:aaaa"), T0, false, warnings::add, null);
        try {
            for (boolean restart : new boolean[] {false, true}) {
                UserError e = assertThrows(UserError.class, () -> new SoakSession(new Ledger(dir))
                        .open(wanted("sha256:aaaa"), T0.plusSeconds(5), restart, warnings::add, null));
                assertEquals(ExitCodes.REFUSED, e.exitCode());
                assertTrue(e.getMessage().startsWith("another 'migrate soak' is already writing"), e.getMessage());
            }
            assertTrue(Files.exists(dir.resolve("soak/journal.jsonl")), "not archived from under the live soak");
        } finally {
            live.journal().close();
        }
    }

    @Test
    void aJournalCutOffInItsHeaderStartsAfresh() throws Exception {
        Path journal = Files.createDirectories(dir.resolve("soak")).resolve("journal.jsonl");
        Files.writeString(journal, "{\"type\":\"header\",\"vers");
        SoakSession.Opened o = new SoakSession(new Ledger(dir)).open(wanted("sha256:aaaa"), T0, false, warnings::add, null);
        o.journal().close();
        assertEquals(SoakSession.Mode.NEW, o.mode());
        assertTrue(warnings.get(0).endsWith("holds no whole record (the last run stopped while starting); starting afresh"), warnings.toString());
        assertEquals(1, Files.readAllLines(journal).size());
    }
}
