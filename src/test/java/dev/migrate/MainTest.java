package dev.migrate;

import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @Test
    void helpListsTheStepsInOrderAndNothingElse() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        String commands = r.out().substring(r.out().indexOf("Commands:"));
        java.util.List<String> names = commands.lines().skip(1).takeWhile(l -> !l.isBlank()).filter(l -> l.matches("  \\S.*"))
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

    /** The example docs/config.md gives (it was refused as an unknown option): the flag's value, shown as a flag's. */
    @Test
    void configTakesTheVipFlagAsTheDocumentedExampleDoes() throws Exception {
        CliRun r = CliRun.of("config", "--vip", "10.10.30.23", "-o", "json", "--state-dir", "target/x");
        assertEquals(ExitCodes.OK, r.exitCode(), r.err());
        com.fasterxml.jackson.databind.JsonNode vip = null;
        for (com.fasterxml.jackson.databind.JsonNode row : dev.migrate.Json.MAPPER.readTree(r.out()).path("settings")) {
            if (row.path("key").asText().equals("vip")) {
                vip = row;
            }
        }
        assertTrue(vip != null, r.out());
        assertEquals("10.10.30.23", vip.path("value").asText(), r.out());
        assertEquals("flag --vip", vip.path("source").asText(), r.out());
    }

    @Test
    void aBadSettingIsOneLineAndExitTwo() {
        CliRun r = CliRun.of("config", "--state-dir", "target/x", "--namespace", "Not_A_Namespace");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        String err = r.err();
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("migrate: error: flag --namespace: namespace 'Not_A_Namespace' is not a valid name"), err);
    }

    @Test
    void configShowsTheCollectorMemoryAndWhatIsDerivedFromIt() {
        CliRun r = CliRun.of("config", "--state-dir", "target/x", "--collector-memory-limit", "2Gi");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s).*collector-memory-limit\\s+2Gi\\s+flag --collector-memory-limit.*"), r.out());
        assertTrue(r.out().contains("collector memory: container 2048Mi, memory_limiter limit_mib 1433 (refuses data from 1147 MiB "
                + "of heap), GOMEMLIMIT 1638MiB"), r.out());
    }

    @Test
    void aCollectorMemoryLimitTooSmallOrNotAQuantityIsOneLine() {
        for (String[] bad : new String[][] {{"600MB", "not a memory limit as Kubernetes writes it in Mi or Gi (e.g. 1Gi, 1536Mi)"},
                {"128Mi", "below 256Mi"}, {"100Gi", "above 64Gi"}, {"1.5Gi", "not a memory limit"}}) {
            CliRun r = CliRun.of("config", "--state-dir", "target/x", "--collector-memory-limit", bad[0]);
            assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("migrate: error: flag --collector-memory-limit: collector-memory-limit '" + bad[0] + "' is "
                    + bad[1]), r.err());
            assertTrue(r.err().contains("fix the value or remove it to use the default '1Gi'"), r.err());
        }
    }

    /**
     * A subcommand named first is built alone (start-up: see Main.commandLine); what it prints and
     * returns must be what the full model of all nine commands gives: help, version, a bad option, a
     * missing value, a bad setting.
     */
    @Test
    void aSubcommandBuiltAloneAnswersAsTheFullModelDoes() {
        java.util.List<String[]> cases = new java.util.ArrayList<>();
        for (Class<?> c : Main.class.getAnnotation(CommandLine.Command.class).subcommands()) {
            String name = c.getAnnotation(CommandLine.Command.class).name();
            assertEquals(java.util.Set.of(name), Main.commandLine(CommandLine.defaultFactory(), name).getSubcommands().keySet());
            for (String tail : new String[] {"--help", "-V", "--no-such-flag", "--state-dir"}) {
                cases.add(new String[] {name, tail});
            }
        }
        cases.add(new String[] {"config", "--state-dir", "target/x", "--namespace", "Not_A_Namespace"});
        cases.add(new String[] {"deploy", "--dry-run", "--skip-check", "nope", "--state-dir", "target/x"});
        for (String[] args : cases) {
            String[] lazy = answer(Main.commandLine(CommandLine.defaultFactory(), args), args);
            String[] full = answer(new CommandLine(new Main()), args);
            assertEquals(java.util.List.of(full), java.util.List.of(lazy), String.join(" ", args));
        }
    }

    @Test
    void everyOtherFirstArgumentGetsTheFullModel() {
        assertEquals(9, Main.commandLine(CommandLine.defaultFactory()).getSubcommands().size());
        assertEquals(9, Main.commandLine(CommandLine.defaultFactory(), "--version").getSubcommands().size());
        assertEquals(9, Main.commandLine(CommandLine.defaultFactory(), "deploi").getSubcommands().size());
        CliRun typo = CliRun.of("deploi");
        assertEquals(ExitCodes.USAGE, typo.exitCode());
        assertTrue(typo.err().contains("Unmatched argument at index 0: 'deploi'"), typo.err());
    }

    /** Exit code, stdout and stderr of {@code args} run on {@code cli}. */
    private static String[] answer(CommandLine cli, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(cli, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}
