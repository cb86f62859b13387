package dev.migrate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A write to stdout that fails (a full disk, a closed descriptor) is an error, not exit 0 with the output lost. */
class OutputLostTest {
    @TempDir
    Path tmp;

    private String[] run(String redirect, String... args) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("migrate.yaml"), "");
        StringBuilder cmd = new StringBuilder("exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.migrate.Main");
        for (String a : args) {
            cmd.append(" '").append(a).append("'");
        }
        cmd.append(" --config '").append(cfg).append("' --state-dir '").append(tmp.resolve("state")).append("' ").append(redirect);
        Process p = new ProcessBuilder("bash", "-c", cmd.toString()).redirectError(tmp.resolve("err").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {Integer.toString(p.exitValue()), Files.readString(tmp.resolve("err"))};
    }

    @Test
    void aFullDiskOrAClosedStdoutIsAnError() throws Exception {
        for (List<String> c : List.of(List.of("> /dev/full", "deploy", "--dry-run", "-o", "json"), List.of(">&-", "status", "-o", "json"),
                List.of("> /dev/full", "config"))) {
            String[] r = run(c.get(0), c.subList(1, c.size()).toArray(String[]::new));
            assertEquals("1", r[0], c + ": " + r[1]);
            assertTrue(r[1].startsWith("migrate: error: could not write the output to stdout"), c + ": " + r[1]);
            assertEquals(1, r[1].strip().lines().count(), r[1]);
        }
    }
}
