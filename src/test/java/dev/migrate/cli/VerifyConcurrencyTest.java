package dev.migrate.cli;

import dev.migrate.Main;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Concurrent `migrate verify` runs on one state directory, as a cron job and an operator at a
 * terminal produce them: every run's ledger record survives, and each points at its own report
 * (runs in the same second used to write the same file). Threads in one JVM and separate JVMs,
 * since the two are kept apart by different halves of the lock. The checks chosen need no
 * endpoint, so each run is quick and nothing else is exercised.
 */
class VerifyConcurrencyTest {
    private static final String[] QUICK = {"--only", "scrape-target,loki-config"};

    @TempDir
    Path tmp;

    @Test
    void concurrentRunsInOneJvmLoseNoRecordAndShareNoReport() throws Exception {
        Path state = tmp.resolve("state");
        int runs = 16;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            codes.add(pool.submit(() -> {
                start.await();
                return Main.run("verify", "--state-dir", state.toString(), QUICK[0], QUICK[1]);
            }));
        }
        start.countDown();
        for (Future<Integer> f : codes) {
            assertEquals(3, f.get(60, TimeUnit.SECONDS), "inconclusive: nothing was checked");
        }
        pool.shutdown();
        assertEachRunHasItsRecordAndReport(state, runs);
    }

    @Test
    void concurrentRunsInSeparateProcessesLoseNoRecordAndShareNoReport() throws Exception {
        Path state = tmp.resolve("state");
        int runs = 4;
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ps.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "verify", "--state-dir", state.toString(), QUICK[0], QUICK[1])
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process p : ps) {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(3, p.exitValue());
        }
        assertEachRunHasItsRecordAndReport(state, runs);
    }

    private static void assertEachRunHasItsRecordAndReport(Path state, int runs) throws Exception {
        Ledger ledger = new Ledger(state);
        assertEquals(List.of(), ledger.read().unreadable(), "no torn or merged ledger line");
        List<StepRecord> records = ledger.all().stream().filter(r -> r.step().equals("verify")).toList();
        assertEquals(runs, records.size(), "one ledger record per run");
        Set<String> pointedAt = new HashSet<>();
        records.forEach(r -> pointedAt.add(r.reportPath()));
        assertEquals(runs, pointedAt.size(), "each record points at its own report: " + pointedAt);
        try (Stream<Path> files = Files.list(state.resolve("reports"))) {
            Set<String> onDisk = new HashSet<>();
            files.forEach(p -> onDisk.add(p.toString()));
            assertEquals(pointedAt, onDisk, "one report file per run, and no other");
        }
    }
}
