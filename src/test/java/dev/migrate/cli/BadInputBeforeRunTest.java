package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.soak.FakePrometheus;
import dev.migrate.soak.SimulatedClock;
import dev.migrate.soak.incluster.InCluster;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.FakeHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 2 means "bad input, nothing ran": a place the step's reports cannot be written is found
 * before the first check or soak cycle, not after they ran (which then lost their outcome).
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
        SoakCommand.Wiring wiring = new SoakCommand.Wiring(new SimulatedClock(SoakCommandTest.T0),
                (o, s) -> SoakCommandTest.edges(counting, new ArrayList<>()), InCluster.FABRIC8);
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("soak/report.html"));
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Files.writeString(checks.resolve("soak.yaml"), dev.migrate.soak.SoakTestCatalogue.YAML);
        CliRun run = CliRun.of(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SoakCommand.class ? type.cast(new SoakCommand(wiring)) : CommandLine.defaultFactory().create(type);
            }
        }, "soak", "--config", Files.writeString(dir.resolve("migrate.yaml"), "checks-dir: " + checks + "\n").toString(),
                "--state-dir", state.toString(), "--prometheus-url", "http://127.0.0.1:9", "--otlp-endpoint", "http://127.0.0.1:9",
                "--duration", "1h");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("report.html is not a regular file"), run.err());
        assertEquals(0, queries.get(), "no cycle may run before bad input is refused");
        assertFalse(Files.exists(state.resolve("soak/journal.jsonl")));
    }
}
