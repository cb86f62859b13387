package dev.migrate.soak;

import dev.migrate.ledger.Ledger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wall clock goes back an hour while a soak is stopped (NTP, a manual change, a restored VM):
 * the resumed soak says what it waits for instead of waiting silently, and the hour it waits is a
 * gap in the coverage, not observed time.
 */
class SoakClockBackTest {
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");

    @TempDir
    Path dir;

    private SoakRunner.Ending run(SimulatedClock clock, int stopAfter, List<String> said, SoakSession.Opened[] out) {
        SoakSession session = new SoakSession(new Ledger(dir));
        SoakSession.Opened o = session.open(new SoakSession.Wanted(SoakTestCatalogue.catalogue(), "sha256:aaaa",
                Duration.ofHours(24), Duration.ofSeconds(60), Duration.ofMinutes(5)), clock.now(), false, s -> { }, null);
        out[0] = o;
        AtomicInteger cycles = new AtomicInteger();
        Progress progress = new Progress() {
            @Override
            public void cycle(SoakState state, Instant now) {
                cycles.incrementAndGet();
            }

            @Override
            public void waiting(String why) {
                said.add(why);
            }
        };
        SoakRunner runner = new SoakRunner(SoakTestCatalogue.catalogue(), new Analyzer(FakePrometheus.healthy(), null,
                () -> new RoundTrip.Result(true, Duration.ofMillis(2500), "found"), null), o.journal(), o.state(), clock, progress);
        SoakRunner.Ending e = runner.run(() -> cycles.get() >= stopAfter);
        o.journal().close();
        return e;
    }

    @Test
    void aClockThatWentBackIsSaidAndCountedAsAGap() {
        List<String> said = new ArrayList<>();
        SoakSession.Opened[] o = new SoakSession.Opened[1];
        assertEquals(SoakRunner.Ending.STOPPED, run(new SimulatedClock(T0), 60, said, o));
        Instant last = o[0].state().lastCycleAt();
        assertTrue(said.isEmpty(), said.toString());

        SimulatedClock back = new SimulatedClock(last.minus(Duration.ofHours(1)));
        // an hour unobserved is beyond max-gap (5m): the soak can no longer pass, and says why
        assertEquals(SoakRunner.Ending.DECIDED, run(back, 2, said, o));
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).contains("before the last cycle (" + last + "): it went back; waiting until "
                + last.plusSeconds(60)), said.get(0));
        SoakState.Verdict v = o[0].state().verdict(back.now());
        assertEquals(Duration.ofHours(1), v.coverage().gapTotal(), "the hour waited is unobserved");
        assertEquals(1, v.coverage().gaps().size());
    }
}
