package dev.migrate.testsupport;

import dev.migrate.Main;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs Main in-process with stdout and stderr captured, as a user at a terminal would see them. */
public record CliRun(int exitCode, String out, String err) {
    public static CliRun of(String... args) {
        return of(CommandLine.defaultFactory(), args);
    }

    /** The same, with commands made by {@code factory} (commands given their test doubles). */
    public static synchronized CliRun of(CommandLine.IFactory factory, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(factory, args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The single error line, failing if there is not exactly one. */
    public String errorLine() {
        String[] lines = err.strip().split("\n");
        if (lines.length != 1 || lines[0].isBlank()) {
            throw new AssertionError("expected one error line, got: " + err);
        }
        return lines[0];
    }
}
