package dev.migrate.soak;

import dev.migrate.data.DataFiles;
import dev.migrate.endpoints.PrometheusApi;
import dev.migrate.ledger.Ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Benchmark main for bench/soak.sh (not a test): one 24 h soak at 60 s intervals, 1,440 cycles, in
 * simulated time, with the built-in checks, real journal writes (fsync per cycle) in a temp
 * directory, and in-memory endpoints. Prints one line: wall ms, RSS at cycle 100 and 1,440 (kB),
 * heap used after GC at both, journal bytes.
 */
public final class SoakBench {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("soak-bench");
        AnalysisCatalogue cat = AnalysisCatalogue.parse("built-in", DataFiles.bundled("checks/soak.yaml"), Duration.ofSeconds(60), "monitoring");
        FakePrometheus prom = new FakePrometheus((q, at) -> List.of(new PrometheusApi.Sample(
                Map.of("job", "otel-collector", "instance", "10.0.3.17:8889"), at, q.startsWith("up") || q.contains("rate(") ? 1 : 0)));
        FakeLoki loki = new FakeLoki(List.of(new PrometheusApi.Series(Map.of(), List.of(new PrometheusApi.Point(Instant.EPOCH, 42)))));
        RoundTrip probe = () -> new RoundTrip.Result(true, Duration.ofMillis(2345), "found in Prometheus after 2.3 s");
        SimulatedClock clock = new SimulatedClock(Instant.parse("2026-11-27T00:00:00Z"));
        SoakSession session = new SoakSession(new Ledger(dir));
        SoakSession.Opened o = session.open(new SoakSession.Wanted(cat, "sha256:bench", Duration.ofHours(24), Duration.ofSeconds(60),
                Duration.ofMinutes(5)), clock.now(), false, s -> { }, null);
        long[] rss = new long[2];
        long[] heap = new long[2];
        Progress sample = (state, now) -> {
            if (state.cycles() == 100 || state.cycles() == 1440) {
                int i = state.cycles() == 100 ? 0 : 1;
                System.gc();
                heap[i] = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;
                rss[i] = vmRssKb();
            }
        };
        long t0 = System.nanoTime();
        SoakRunner.Ending e = new SoakRunner(cat, new Analyzer(prom, loki, probe, null), o.journal(), o.state(), clock, sample)
                .run(() -> false);
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        o.journal().close();
        if (e != SoakRunner.Ending.FINISHED || o.state().cycles() != 1440) {
            throw new IllegalStateException("bench soak ended " + e + " after " + o.state().cycles() + " cycles");
        }
        long bytes = Files.size(session.journalFile());
        System.out.println(wallMs + " " + rss[0] + " " + rss[1] + " " + heap[0] + " " + heap[1] + " " + bytes);
    }

    private static long vmRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException ignored) {
            // not Linux: reported as 0
        }
        return 0;
    }
}
