package dev.migrate.retire;

import dev.migrate.Main;
import dev.migrate.cli.RetireCommand;

/**
 * Test-only entry point for a fresh `migrate` JVM (the kill -9 tests): the real Main, with a
 * verify runner double whose checks pass, since verify's runner is wired by the lead.
 */
public final class RetireProcessMain {
    private RetireProcessMain() {
    }

    public static void main(String[] args) {
        RetireCommand.verifyNow = ComposeFixture.verifyPasses();
        System.exit(Main.run(args));
    }
}
