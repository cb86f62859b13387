package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGINT to a child process, the way Ctrl-C reaches a migrate command. A child inherits an ignored
 * SIGINT: a non-interactive shell ignores it for every command it starts with {@code &}, and the JVM
 * then keeps ignoring it (as every Unix program should). A test run started that way would see the
 * command run on to its end and blame the command, so the test says what is wrong with the run instead.
 */
public final class Sigint {
    private Sigint() {
    }

    public static void send(Process p) throws IOException, InterruptedException {
        if (ignoredHere()) {
            fail("SIGINT is ignored by this test JVM, so its child processes ignore it too: the suite was started"
                    + " in the background by a non-interactive shell (`cmd &`). Run it in the foreground, or"
                    + " in the background of a shell with job control (`set -m`).");
        }
        new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
    }

    /** Bit 2 (SIGINT) of the ignored-signal mask the kernel reports for this process. */
    static boolean ignoredHere() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return new BigInteger(line.substring(7).trim(), 16).testBit(1);
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
