package dev.migrate.retire;

import dev.migrate.Main;

/**
 * Test-only entry point for a fresh `migrate` JVM (the kill -9 tests): the real Main, with a
 * verify double whose checks pass (the tests have Docker but no new pipeline to verify).
 */
public final class RetireProcessMain {
    private RetireProcessMain() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(ComposeFixture.commands(ComposeFixture.verifyPasses()), args));
    }
}
