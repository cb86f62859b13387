package dev.migrate;

import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void helpListsTheStepsInOrderAndNothingElse() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        String commands = r.out().substring(r.out().indexOf("Commands:"));
        java.util.List<String> names = commands.lines().skip(1).filter(l -> l.matches("  \\S.*"))
                .map(l -> l.trim().split("\\s+")[0]).toList();
        assertEquals(java.util.List.of("deploy", "verify", "soak", "retire", "record", "backport", "status", "config",
                "client-env"), names, r.out());
    }

    /**
     * The fast root help must be picocli's own rendering. After changing a command's name or
     * description, regenerate it: MIGRATE_WRITE_ROOT_HELP=1 mvn test -Dtest=MainTest
     */
    @Test
    void quickRootHelpIsPicocliHelp() throws Exception {
        String picocli = CliRun.of("--help").out();
        java.nio.file.Path stored = java.nio.file.Path.of("src/main/resources" + Main.ROOT_HELP);
        if ("1".equals(System.getenv("MIGRATE_WRITE_ROOT_HELP"))) {
            java.nio.file.Files.writeString(stored, picocli);
        }
        assertEquals(picocli, java.nio.file.Files.readString(stored),
                "root-help.txt is stale: MIGRATE_WRITE_ROOT_HELP=1 mvn test -Dtest=MainTest");
        assertEquals(java.util.Optional.of(picocli), Main.quickAnswer(new String[] {"--help"}));
        assertEquals(java.util.Optional.of(picocli), Main.quickAnswer(new String[0]));
        assertEquals(java.util.Optional.of(CliRun.of("--version").out()), Main.quickAnswer(new String[] {"-V"}));
        assertTrue(Main.quickAnswer(new String[] {"deploy", "--help"}).isEmpty(), "subcommands go through picocli");
    }

    @Test
    void versionComesFromTheBuild() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.exitCode());
        assertTrue((r.out()).matches("migrate \\d+\\.\\d+\\.\\d+\\s*"), r.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("config", "--no-such-flag");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue((r.err()).contains("Unknown option: '--no-such-flag'"), r.err());
    }

    @Test
    void configShowsWhereEachValueCameFrom() {
        CliRun r = CliRun.of("config", "--context", "homelab", "--state-dir", "target/state-config-test");
        assertEquals(0, r.exitCode());
        String out = r.out();
        assertTrue(out.matches("(?s).*context\\s+homelab\\s+flag --context.*"), out);
        assertTrue(out.matches("(?s).*vip\\s+10\\.10\\.30\\.22\\s+default.*"), out);
    }

    @Test
    void aBadSettingIsOneLineAndExitTwo() {
        CliRun r = CliRun.of("config", "--state-dir", "target/x", "--namespace", "Not_A_Namespace");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        String err = r.err();
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("migrate: error: flag --namespace: namespace 'Not_A_Namespace' is not a valid name"), err);
    }
}
