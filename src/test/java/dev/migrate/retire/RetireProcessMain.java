package dev.migrate.retire;

import dev.migrate.Main;

import java.util.function.Consumer;

/**
 * Test-only entry point for a fresh `migrate` JVM (the kill -9 and SIGINT tests): the real Main, with
 * a verify double whose checks pass (the tests have Docker but no new pipeline to verify), and a
 * pause after each journaled action of the kind {@link #PAUSE_AFTER} names, so the test can kill the
 * process at a known point.
 */
public final class RetireProcessMain {
    /** The action kind to pause after (e.g. "archive"), and for how long. */
    static final String PAUSE_AFTER = "MIGRATE_TEST_PAUSE_AFTER";
    static final String PAUSE_SECONDS = "MIGRATE_TEST_PAUSE_SECONDS";

    private RetireProcessMain() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(ComposeFixture.commands(ComposeFixture.verifyPasses(), pause()), args));
    }

    private static Consumer<String> pause() {
        String kind = System.getenv().getOrDefault(PAUSE_AFTER, "");
        long seconds = Long.parseLong(System.getenv().getOrDefault(PAUSE_SECONDS, "60"));
        return key -> {
            if (kind.isEmpty() || !key.startsWith(kind + ":")) {
                return;
            }
            System.err.println("test: pausing " + seconds + " s after " + key);
            System.err.flush();
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // SIGINT: the retire notices it before its next action
            }
        };
    }
}
