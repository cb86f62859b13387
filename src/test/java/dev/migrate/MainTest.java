package dev.migrate;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    /** Runs the CLI in-process and returns {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void versionComesFromTheBuild() {
        Object[] r = run("--version");
        assertEquals(0, r[0]);
        assertTrue(((String) r[1]).matches("migrate \\d+\\.\\d+\\.\\d+\\s*"), (String) r[1]);
    }

    @Test
    void unknownOptionIsAUsageError() {
        Object[] r = run("config", "--no-such-flag");
        assertEquals(ExitCodes.USAGE, r[0]);
        assertTrue(((String) r[2]).contains("Unknown option: '--no-such-flag'"), (String) r[2]);
    }

    @Test
    void configShowsWhereEachValueCameFrom() {
        Object[] r = run("config", "--context", "homelab", "--state-dir", "target/state-config-test");
        assertEquals(0, r[0]);
        String out = (String) r[1];
        assertTrue(out.matches("(?s).*context\\s+homelab\\s+flag --context.*"), out);
        assertTrue(out.matches("(?s).*vip\\s+10\\.10\\.30\\.22\\s+default.*"), out);
    }

    @Test
    void aBadSettingIsOneLineAndExitTwo() {
        Object[] r = run("config", "--state-dir", "target/x", "--namespace", "Not_A_Namespace");
        assertEquals(ExitCodes.USAGE, r[0]);
        String err = (String) r[2];
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("migrate: error: flag --namespace: namespace 'Not_A_Namespace' is not a valid name"), err);
    }
}
