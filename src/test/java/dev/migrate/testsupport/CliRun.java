package dev.migrate.testsupport;

import dev.migrate.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs Main in-process with stdout and stderr captured, as a user at a terminal would see them:
 * the commands write through picocli's getOut()/getErr(), which this binds to its own writers.
 */
public record CliRun(int exitCode, String out, String err) {
    public static CliRun of(String... args) {
        return of(CommandLine.defaultFactory(), args);
    }

    /** The same, with commands made by {@code factory} (commands given their test doubles). */
    public static CliRun of(CommandLine.IFactory factory, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(factory, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
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
