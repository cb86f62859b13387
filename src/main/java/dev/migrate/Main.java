package dev.migrate;

import dev.migrate.cli.ClientEnvCommand;
import dev.migrate.cli.ConfigCommand;
import dev.migrate.cli.BackportCommand;
import dev.migrate.cli.DeployCommand;
import dev.migrate.cli.RecordCommand;
import dev.migrate.cli.RetireCommand;
import dev.migrate.cli.SoakCommand;
import dev.migrate.cli.StatusCommand;
import dev.migrate.cli.VerifyCommand;
import dev.migrate.io.Printable;
import dev.migrate.io.SignalGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The `migrate` command. Each step is one subcommand class under cli/; this class only wires them
 * and turns errors into one-line messages and exit codes ({@link ExitCodes}).
 */
@Command(name = "migrate",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
                "Moves Claude Code monitoring from a laptop's Docker Compose stack to a homelab Kubernetes "
                        + "cluster, proves the new pipeline works, and only then retires the old stack.",
                "",
                "Steps, in order: deploy -> verify -> soak -> retire -> record. 'migrate status' says which is next."},
        subcommands = {
                // The steps in the order a migration takes them, then the backport, then the helpers.
                DeployCommand.class,
                VerifyCommand.class,
                SoakCommand.class,
                RetireCommand.class,
                RecordCommand.class,
                BackportCommand.class,
                StatusCommand.class,
                ConfigCommand.class,
                ClientEnvCommand.class,
        },
        exitCodeListHeading = "%nExit codes (each command's --help says what they mean for it):%n",
        exitCodeList = {"0:ok", "1:failed", "2:bad input", "3:inconclusive", "4:refused by a safety gate", "130:interrupted"},
        footer = {"", "Set MIGRATE_DEBUG=1 to see stack traces."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Optional<String> quick = quickAnswer(args);
        if (quick.isPresent()) {
            System.out.print(quick.get());
            System.exit(System.out.checkError() ? ExitCodes.FAILED : ExitCodes.OK);
        }
        System.exit(run(args));
    }

    /** The root help, exactly as picocli renders it at 80 columns (MainTest keeps it so). */
    static final String ROOT_HELP = "/root-help.txt";

    /**
     * `migrate`, `migrate --help` and `migrate --version` answered without building picocli's model
     * of every subcommand: that reflection is most of the start-up time, and these are the commands
     * people type first. Anything else goes through picocli.
     */
    static Optional<String> quickAnswer(String[] args) {
        if (args.length > 1) {
            return Optional.empty();
        }
        String arg = args.length == 0 ? "--help" : args[0];
        try {
            if (arg.equals("--help") || arg.equals("-h")) {
                try (InputStream in = Main.class.getResourceAsStream(ROOT_HELP)) {
                    return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            if (arg.equals("--version") || arg.equals("-V")) {
                return Optional.of(new Version().getVersion()[0] + System.lineSeparator());
            }
        } catch (IOException e) {
            return Optional.empty(); // picocli answers instead
        }
        return Optional.empty();
    }

    /** Runs the CLI and returns the exit code, without exiting (tests call this). */
    public static int run(String... args) {
        return run(CommandLine.defaultFactory(), args);
    }

    /** The same, with commands made by {@code factory}: how tests hand a command its test doubles. */
    public static int run(CommandLine.IFactory factory, String... args) {
        return run(factory, null, null, args);
    }

    /**
     * The same, writing to {@code out} and {@code err} (null: the process's stdout and stderr). Every
     * command writes through {@code spec.commandLine().getOut()/getErr()}, so these are the only streams.
     */
    public static int run(CommandLine.IFactory factory, PrintWriter out, PrintWriter err, String... args) {
        return run(commandLine(factory, args), out, err, args);
    }

    /** Runs {@code args} on {@code cli}, a root made by {@link #commandLine} (or, in tests, the full model). */
    static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler(Main::handleParameters);
        cli.registerConverter(Path.class, Main::path);
        dev.migrate.cli.HelpLayout.install(cli);
        // No option reads its value from a file: `migrate status @kube.yaml` would otherwise expand the
        // file into arguments and echo every word of it (a kubeconfig's token) in the error.
        cli.setExpandAtFiles(false);
        try {
            int code = cli.execute(args);
            return outputLost(cli) ? lostOutputCode(cli, code) : code;
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
            SignalGuard.releaseAll(); // an interrupted step's message is printed: let the JVM exit now
        }
    }

    /**
     * The command line for {@code args}. When the first argument names a subcommand, only that one is
     * built: picocli reflects over every option, mixin and field of each subcommand it is given, and
     * building all nine (and loading classes of the eight that do not run: soak's endpoints, retire's
     * Docker engine, ...) was about a fifth of a dry-run's time in a profile (docs/benchmarks.md).
     * The root is then the same command (name, version, help options)
     * without the others; its own help and every other case ({@code migrate}, a typo, a root option
     * first) get the full model from the annotation, so their output is picocli's own.
     */
    static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
        Class<?> only = args.length == 0 ? null : subcommandNamed(args[0]);
        if (only == null) {
            return new CommandLine(new Main(), factory);
        }
        Command root = Main.class.getAnnotation(Command.class);
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new Main(), factory)
                .name(root.name())
                .mixinStandardHelpOptions(root.mixinStandardHelpOptions())
                .versionProvider(new Version());
        CommandLine cli = new CommandLine(spec, factory);
        cli.addSubcommand(only);
        return cli;
    }

    /** The subcommand class named {@code name} in Main's annotation, or null; only annotations are read. */
    static Class<?> subcommandNamed(String name) {
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
            Command command = c.getAnnotation(Command.class);
            if (command != null && command.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /**
     * Whether stdout refused a write (a full disk, a closed descriptor, a reader gone): PrintStream
     * and PrintWriter swallow the IOException, so without this check the output is lost with exit 0.
     */
    private static boolean outputLost(CommandLine cli) {
        boolean writer = cli.getOut().checkError(); // flushes into System.out first
        return System.out.checkError() || writer;
    }

    private static int lostOutputCode(CommandLine cli, int code) {
        cli.getErr().println("migrate: error: could not write the output to stdout (a full disk, a closed descriptor"
                + " or a reader that went away); the output is lost, run the command again with stdout writable");
        return code == ExitCodes.OK ? ExitCodes.FAILED : code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (e instanceof UserError user) {
            cli.getErr().println("migrate: error: " + user.getMessage());
            debug(e, cli);
            return user.exitCode();
        }
        cli.getErr().println("migrate: internal error: " + Printable.oneLine(e.toString())
                + " (please report it; MIGRATE_DEBUG=1 shows the stack trace)");
        debug(e, cli);
        return ExitCodes.FAILED;
    }

    private static int handleParameters(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        // One line, like every other error; the value echoed may hold control characters.
        cli.getErr().println("migrate: error: " + Printable.oneLine(e.getMessage()) + " (see '"
                + cli.getCommandSpec().qualifiedName() + " --help')");
        return ExitCodes.USAGE;
    }

    /** Every path flag: a NUL byte (possible only from a file or a script) is bad input, not an InvalidPathException. */
    private static Path path(String text) {
        int control = dev.migrate.settings.Values.firstControl(text);
        if (text.indexOf('\0') >= 0 || control >= 0) {
            throw new CommandLine.TypeConversionException("'" + Printable.escape(text) + "' holds a control character"
                    + " (a NUL byte or a newline); give a plain path");
        }
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new CommandLine.TypeConversionException("'" + Printable.escape(text) + "' is not a path: " + e.getReason()
                    + " (file names are encoded as " + System.getProperty("sun.jnu.encoding", "?") + "; run with a UTF-8 locale"
                    + " such as LANG=C.UTF-8)");
        }
    }

    private static void debug(Exception e, CommandLine cli) {
        if ("1".equals(System.getenv("MIGRATE_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/migrate-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"migrate " + p.getProperty("version", "unknown")};
        }
    }
}
