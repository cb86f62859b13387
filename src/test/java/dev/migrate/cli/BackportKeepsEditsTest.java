package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.backport.BackportPlan;
import dev.migrate.backport.StackFiles;
import dev.migrate.data.OutputDirectory;
import dev.migrate.retire.ComposeFixture;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `backport --out` never loses what a person wrote: the v1.1.1
 * docker-compose.yml with local edits next to an older docker-compose.yml.v1.1.1, and a generated
 * file edited after an earlier backport.
 */
class BackportKeepsEditsTest {
    @TempDir
    Path dir;

    CliRun backport(String... extra) {
        List<String> a = new ArrayList<>(List.of("backport", "--state-dir", dir.resolve("state").toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    @Test
    void anEditedV1FileNextToAnOlderCopyIsKeptUnderTheNextFreeName() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("claude-monitoring"));
        String older = ComposeFixture.stack();
        String edited = older.replace("restart: always", "restart: always  # mine: keep it running");
        Files.writeString(v1.resolve("docker-compose.yml"), edited);
        Files.writeString(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX), older);

        CliRun run = backport("--out", v1.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        assertEquals(older, Files.readString(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX)), "the older copy stays");
        assertEquals(edited, Files.readString(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX + "-2")),
                "the edited file is kept too");
        assertTrue(run.out().contains("kept the replaced file as docker-compose.yml.v1.1.1-2"), run.out());
        assertTrue(Files.readString(v1.resolve("docker-compose.yml")).contains("x-migrate:"));
    }

    @Test
    void anUnchangedV1CopyIsNotDuplicated() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("claude-monitoring"));
        String old = ComposeFixture.stack();
        Files.writeString(v1.resolve("docker-compose.yml"), old);
        Files.writeString(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX), old);
        assertEquals(ExitCodes.OK, backport("--out", v1.toString()).exitCode());
        assertFalse(Files.exists(v1.resolve("docker-compose.yml" + BackportPlan.V1_SUFFIX + "-2")));
    }

    @Test
    void aGeneratedFileEditedByHandIsRefusedUnlessForcedAndThenKeptAsACopy() throws Exception {
        Path out = dir.resolve("claude-monitoring");
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode());
        Path prometheus = out.resolve(StackFiles.PROMETHEUS_CONFIG);
        String generated = Files.readString(prometheus);
        String edited = generated + "# and my node exporter\n";
        Files.writeString(prometheus, edited);

        CliRun run = backport("--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains(StackFiles.PROMETHEUS_CONFIG + " was changed by hand since migrate backport wrote it")
                && run.errorLine().contains("--force"), run.err());
        assertEquals(edited, Files.readString(prometheus));

        run = backport("--out", out.toString(), "--force");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(generated, Files.readString(prometheus));
        assertEquals(edited, Files.readString(out.resolve(StackFiles.PROMETHEUS_CONFIG + OutputDirectory.EDITED_SUFFIX)));
        assertTrue(run.out().contains("kept the replaced file as " + StackFiles.PROMETHEUS_CONFIG + OutputDirectory.EDITED_SUFFIX),
                run.out());
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode(), "after --force the directory is ours again");
    }

    @Test
    void aBackportWithoutARecordOfItsWritesKeepsEveryFileItChanges() throws Exception {
        Path out = dir.resolve("claude-monitoring");
        assertEquals(ExitCodes.OK, backport("--out", out.toString()).exitCode());
        Files.delete(out.resolve(OutputDirectory.INDEX)); // as a backport before this version left it
        Path rules = out.resolve(StackFiles.PROMETHEUS_RULES);
        Files.writeString(rules, "groups: []  # mine\n");
        CliRun run = backport("--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("groups: []  # mine\n", Files.readString(out.resolve(StackFiles.PROMETHEUS_RULES + BackportPlan.PREVIOUS_SUFFIX)));
        assertFalse(Files.exists(out.resolve(StackFiles.PROMETHEUS_CONFIG + BackportPlan.PREVIOUS_SUFFIX)), "unchanged files need no copy");
    }

    /** A 3 GB compose file in --out (sparse: no disk used) ran the JVM out of memory; it is refused by its size, unread. */
    @Test
    void anOversizedComposeFileInOutIsRefusedByItsSizeAndKept() throws Exception {
        Path out = Files.createDirectories(dir.resolve("claude-monitoring"));
        Path compose = out.resolve("docker-compose.yml");
        long size = 3L << 30;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(compose.toFile(), "rw")) {
            f.setLength(size);
        }
        CliRun run = backport("--out", out.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains(compose + " is " + size + " bytes, over the 16MiB limit"), run.err());
        assertEquals(size, Files.size(compose), "the file is kept as it was");
        try (java.util.stream.Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(compose), files.toList(), "nothing else was written");
        }
    }
}
