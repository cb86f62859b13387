package dev.migrate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

import java.util.ArrayList;
import java.util.List;

/**
 * How every command's description is laid out in --help: prose is wrapped to the help width as
 * picocli does, but an example (a description line indented by {@link #EXAMPLE_INDENT}) is printed
 * whole on one line. Wrapped, `--timeout` and `10m` landed on two lines and the command could not
 * be copied; an unbroken line is at worst soft-wrapped by the terminal, which copies as one line.
 * The man pages read the same description lines from the model, as AsciiDoc: there the examples
 * follow a blank line, so that they form a literal paragraph whose lines are kept, where a paragraph
 * begun by "Examples:" would be reflowed into one run of text (PackageDocsTest renders the pages).
 */
public final class HelpLayout {
    /** Description lines starting with this are examples (commands to type), never wrapped. */
    public static final String EXAMPLE_INDENT = "  ";

    private HelpLayout() {
    }

    /** Installs the layout on {@code cli} and every subcommand below it. */
    public static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION, HelpLayout::description);
        cli.getSubcommands().values().forEach(HelpLayout::install);
    }

    /** The examples of a command: its description lines that are commands to type, without the indent. */
    public static List<String> examples(CommandLine.Model.CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (String line : spec.usageMessage().description()) {
            if (isExample(line)) {
                out.add(line.substring(EXAMPLE_INDENT.length()));
            }
        }
        return out;
    }

    private static boolean isExample(String line) {
        return line.startsWith(EXAMPLE_INDENT) && !line.isBlank();
    }

    private static String description(Help help) {
        String[] lines = help.commandSpec().usageMessage().description();
        StringBuilder out = new StringBuilder();
        List<String> prose = new ArrayList<>();
        for (String line : lines) {
            if (isExample(line)) {
                wrap(help, prose, out);
                out.append(line).append(System.lineSeparator());
            } else {
                prose.add(line);
            }
        }
        wrap(help, prose, out);
        return out.toString();
    }

    /** Prose as picocli renders a description: one column as wide as the help, wrapped lines not indented. */
    private static void wrap(Help help, List<String> prose, StringBuilder out) {
        if (prose.isEmpty()) {
            return;
        }
        TextTable table = TextTable.forColumns(help.colorScheme(), new Column(help.commandSpec().usageMessage().width(), 0, Column.Overflow.WRAP));
        table.setAdjustLineBreaksForWideCJKCharacters(help.commandSpec().usageMessage().adjustLineBreaksForWideCJKCharacters());
        table.indentWrappedLines = 0;
        prose.forEach(p -> table.addRowValues(String.format(p)));
        table.toString(out);
        prose.clear();
    }
}
