package dev.migrate.cli;

import dev.migrate.testsupport.Sigint;
import dev.migrate.ExitCodes;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy's severe cases against the kube-apiserver double (FakeApiServer): a state directory that
 * cannot be written is refused before anything is applied, and SIGINT during the wait after the
 * apply says what was applied and records the run as interrupted.
 */
class DeployInterruptAndPreconditionsTest {
    @TempDir
    Path tmp;
    FakeApiServer api;
    Path kubeconfig;
    Path config;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApiServer();
        Homelab.seed(api);
        kubeconfig = api.kubeconfig(tmp, Homelab.CONTEXT);
        api.clearRequests(); // the seeding's own writes
        config = Files.writeString(tmp.resolve("migrate.yaml"), "");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private List<String> deploy(Path stateDir, String... more) {
        List<String> args = new ArrayList<>(List.of("deploy", "--config", config.toString(), "--context", Homelab.CONTEXT,
                "--kubeconfig", kubeconfig.toString(), "--state-dir", stateDir.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aStateDirectoryThatIsAFileIsRefusedBeforeAnythingIsApplied() throws Exception {
        Path file = Files.writeString(tmp.resolve("state"), "a file where the state directory should be\n");
        CliRun run = CliRun.of(deploy(file).toArray(String[]::new));
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("state directory (state-dir) '" + file + "' is a file, not a directory"), run.err());
        assertEquals(List.of(), api.applies(), "nothing may be applied when the outcome cannot be recorded");
        assertTrue(api.requests().isEmpty(), "not even a read: the precondition is local");
        assertEquals("a file where the state directory should be\n", Files.readString(file));
    }

    @Test
    void aStateDirectoryUnderAReadOnlyParentIsRefusedBeforeAnythingIsApplied() {
        // /sys refuses mkdir even for root (a chmod 555 directory would not stop root, which runs these tests)
        CliRun run = CliRun.of(deploy(Path.of("/sys/migrate-state")).toArray(String[]::new));
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("'/sys/migrate-state' is not writable"), run.err());
        assertTrue(api.requests().isEmpty(), api.requests().toString());
    }

    @Test
    void aLedgerThatCannotBeWrittenAfterTheApplySaysWhatWasAppliedAndHowToRecordIt() throws Exception {
        // A real full disk (a 64 KiB tmpfs, filled): the state directory passes the precondition (an empty
        // file can still be created), then the record of the run cannot be written.
        Path disk = Files.createDirectory(tmp.resolve("disk"));
        assertEquals(0, dev.migrate.testsupport.DockerdProcess.run(List.of("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs",
                disk.toString()), null, null).code(), "mounting a small tmpfs needs root");
        try {
            Path state = Files.createDirectory(disk.resolve("state"));
            try (var out = Files.newOutputStream(disk.resolve("filler"))) {
                while (true) {
                    out.write(new byte[4096]);
                }
            } catch (java.io.IOException full) {
                // the disk is full
            }
            CliRun run = CliRun.of(deploy(state, "--timeout", "1s").toArray(String[]::new)); // nobody rolls it out
            assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
            // stderr also carries the wait's progress lines; the error is the one "migrate: error:" line
            List<String> errors = run.err().lines().filter(l -> l.startsWith("migrate: error: ")).toList();
            assertEquals(1, errors.size(), run.err());
            String line = errors.get(0);
            assertTrue(line.contains("deploy failed (applied 6 objects (6 created); "), line);
            assertTrue(line.contains("but the outcome could not be recorded: cannot write the ledger"), line);
            assertTrue(line.contains("no space left on device"), line);
            assertTrue(line.contains("run 'migrate deploy' again (an unchanged re-apply records it)"), line);
            assertFalse(api.applies().isEmpty());
        } finally {
            dev.migrate.testsupport.DockerdProcess.run(List.of("umount", disk.toString()), null, null);
        }
    }

    @Test
    void sigintDuringTheWaitSaysWhatWasAppliedAndRecordsItAsInterrupted() throws Exception {
        Path state = tmp.resolve("state");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.migrate.Main"));
        cmd.addAll(deploy(state, "--timeout", "10m")); // nobody plays the Deployment controller: it waits
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            StringBuilder err = new StringBuilder();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        synchronized (err) {
                            err.append(line).append('\n');
                        }
                        if (line.contains("waiting for")) {
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            waiting.get(60, TimeUnit.SECONDS);
            assertFalse(api.applies().isEmpty(), "the apply happened before the wait");
            Sigint.send(p);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "deploy stops on SIGINT");
            String rest = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            String all = err + rest;
            assertEquals(ExitCodes.INTERRUPTED, p.exitValue(), all);
            assertTrue(all.contains("migrate: error: interrupted while waiting, after the apply: applied 6 objects (6 created)"), all);
            assertTrue(all.contains("ConfigMap/monitoring/otel-collector-config created") || all.contains("otel-collector-config"), all);
            assertTrue(all.contains("recorded as interrupted in the ledger; run 'migrate deploy' again to wait for the rollout"), all);
            StepRecord rec = new Ledger(state).latest("deploy").orElseThrow();
            assertEquals(StepRecord.INTERRUPTED, rec.outcome());
            assertTrue(rec.summary().contains("applied 6 objects"), rec.summary());
        } finally {
            p.destroyForcibly();
        }
    }
}
