package dev.migrate.cli;

import dev.migrate.Main;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user copies out of `migrate <command> --help`: every subcommand shows examples, each one whole
 * on one line (at picocli's 80 columns `--timeout` and `10m` used to land on two lines), and each
 * `migrate ...` in them is a command line the CLI accepts.
 */
class HelpExamplesTest {
    private static List<CommandLine> subcommands() {
        return new ArrayList<>(new CommandLine(new Main()).getSubcommands().values());
    }

    @Test
    void everySubcommandShowsItsExamplesEachOnOneLine() {
        for (CommandLine sub : subcommands()) {
            String name = sub.getCommandName();
            List<String> examples = HelpLayout.examples(sub.getCommandSpec());
            assertFalse(examples.isEmpty(), name + " --help has no examples");
            CliRun help = CliRun.of(name, "--help");
            assertEquals(0, help.exitCode(), help.err());
            List<String> lines = help.out().lines().toList();
            for (String example : examples) {
                assertTrue(lines.contains(HelpLayout.EXAMPLE_INDENT + example),
                        name + " --help breaks the example '" + example + "' across lines:\n" + help.out());
            }
            // the prose around them is still wrapped to the help width
            assertTrue(lines.stream().filter(l -> !examples.contains(l.strip())).allMatch(l -> l.length() <= 80),
                    name + " --help has a prose line wider than 80 columns:\n" + help.out());
        }
    }

    @Test
    void everyExampleIsACommandLineTheCliAccepts() {
        for (CommandLine sub : subcommands()) {
            for (String example : HelpLayout.examples(sub.getCommandSpec())) {
                int at = example.indexOf("migrate ");
                assertTrue(at >= 0, "example without a migrate command: " + example);
                String command = example.substring(at).split("&&|\\)")[0].strip();
                String[] args = Arrays.stream(command.split("\\s+")).skip(1).map(a -> a.replace("\"", "")).toArray(String[]::new);
                CommandLine fresh = new CommandLine(new Main());
                try {
                    fresh.parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError("the example '" + example + "' is not accepted: " + e.getMessage(), e);
                }
            }
        }
    }
}
