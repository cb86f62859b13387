package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.incluster.InCluster;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 2 means "bad input, nothing ran": a place the step's reports cannot be written is found
 * before the first check or soak cycle, not after they ran (which then lost their outcome). When
 * the place goes bad while the step runs (a full disk, another hand), the run fails (1) and its
 * outcome is in the ledger all the same.
 */
class BadInputBeforeRunTest {
    @TempDir
    Path dir;

    @Test
    void verifyRefusesAReportsDirectoryItCannotCreateBeforeAnyCheckRuns() throws Exception {
        try (FakeHttpServer prometheus = FakeHttpServer.start()) {
            Path state = Files.createDirectories(dir.resolve("state"));
            Files.writeString(state.resolve("reports"), "a file where the reports directory goes\n");
            CliRun run = CliRun.of("verify", "--config", Files.writeString(dir.resolve("migrate.yaml"), "").toString(),
                    "--state-dir", state.toString(), "--prometheus-url", prometheus.url());
            assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.errorLine().contains(state.resolve("reports").toString()), run.err());
            assertEquals(0, prometheus.requests().size(), "no check may run before bad input is refused");
            assertFalse(Files.exists(state.resolve("ledger.jsonl")));
        }
    }

    @Test
    void soakRefusesAReportPathItCannotReplaceBeforeTheFirstCycle() throws Exception {
        AtomicInteger queries = new AtomicInteger();
        FakePrometheus counting = new FakePrometheus((q, at) -> {
            queries.incrementAndGet();
            return FakePrometheus.healthy().query(q, at);
        });
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("soak/report.html"));
        CliRun run = soakOneHour(counting, state);
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("report.html is not a regular file"), run.err());
        assertEquals(0, queries.get(), "no cycle may run before bad input is refused");
        assertFalse(Files.exists(state.resolve("soak/journal.jsonl")));
    }

    /** `migrate soak --duration 1h` on a simulated clock against {@code prometheus}, with the test catalogue. */
    private CliRun soakOneHour(FakePrometheus prometheus, Path state) throws Exception {
        SoakCommand.Wiring wiring = new SoakCommand.Wiring(new SimulatedClock(SoakCommandTest.T0),
                (o, s) -> SoakCommandTest.edges(prometheus, new ArrayList<>()), InCluster.FABRIC8);
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Files.writeString(checks.resolve("soak.yaml"), dev.migrate.soak.SoakTestCatalogue.YAML);
        return CliRun.of(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SoakCommand.class ? type.cast(new SoakCommand(wiring)) : CommandLine.defaultFactory().create(type);
            }
        }, "soak", "--config", Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n").toString(),
                "--state-dir", state.toString(), "--prometheus-url", "http://127.0.0.1:9", "--otlp-endpoint", "http://127.0.0.1:9",
                "--duration", "1h");
    }

    /** Puts a file where the step writes its report once it has begun (as a full disk or another hand would). */
    private static synchronized void fileInTheWay(Path target) {
        try {
            if (!Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isDirectory(target)) {
                    try (java.util.stream.Stream<Path> all = Files.walk(target)) {
                        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                Files.writeString(target, "in the way\n");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void verifyWhoseReportCannotBeWrittenAfterTheChecksRanFailsWithTheirOutcomeInTheLedger() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        try (FakeHttpServer prometheus = FakeHttpServer.start()) {
            // A double: the fault is the moment, during the checks, at which the reports directory goes bad.
            for (String path : List.of("/api/v1/query", "/api/v1/query_range", "/api/v1/rules", "/api/v1/targets",
                    "/api/v1/series", "/api/v1/label/__name__/values", "/api/v1/status/buildinfo", "/api/v1/metadata")) {
                prometheus.on(path, r -> {
                    fileInTheWay(state.resolve("reports"));
                    return Reply.text(500, "down\n");
                });
            }
            CliRun run = CliRun.of("verify", "--config", Files.writeString(dir.resolve("migrate.yaml"), "").toString(),
                    "--state-dir", state.toString(), "--prometheus-url", prometheus.url());
            assertTrue(prometheus.requests().size() > 0, "the checks ran");
            assertEquals(ExitCodes.FAILED, run.exitCode(), run.out() + run.err());
            assertTrue(run.errorLine().contains(state.resolve("reports").toString())
                    && run.errorLine().contains("(the checks ran: their outcome, "), run.err());
            StepRecord rec = new Ledger(state).latest("verify").orElseThrow();
            assertTrue(run.errorLine().contains("their outcome, " + rec.outcome() + ", is in the ledger"), rec + "\n" + run.err());
            assertEquals("", rec.reportPath(), "the record points at no report that was not written");
        }
    }

    @Test
    void soakWhoseReportCannotBeWrittenAfterItRanFailsWithItsVerdictInTheLedger() throws Exception {
        Path state = dir.resolve("state");
        FakePrometheus healthy = new FakePrometheus((q, at) -> {
            // after the report paths were checked: the soak has begun
            Path report = state.resolve("soak/report.txt");
            if (!Files.isDirectory(report)) {
                try {
                    Files.createDirectories(report.resolve("mine"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return FakePrometheus.healthy().query(q, at);
        });
        CliRun run = soakOneHour(healthy, state);
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("report.txt") && run.errorLine().contains("(the soak's verdict, passed, is in the ledger)"),
                run.err());
        assertEquals(StepRecord.PASSED, new Ledger(state).latest("soak").orElseThrow().outcome(), "the verdict reached the ledger");
    }
}
