package dev.migrate;

import dev.migrate.io.Printable;
import dev.migrate.io.Secrets;

/**
 * A problem the operator can fix: bad input, an unreachable endpoint, a refused gate.
 * The message is one line that names the input and says how to fix it; Main prints it
 * without a stack trace and exits with {@link #exitCode()}. Control characters in the message (a
 * value echoed from the input) are escaped here, once for every caller ({@link Printable}), and known secrets redacted ({@link Secrets}).
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(ExitCodes.USAGE, message);
    }

    public UserError(int exitCode, String message) {
        super(Printable.escape(Secrets.redact(message)));
        this.exitCode = exitCode;
    }

    public UserError(int exitCode, String message, Throwable cause) {
        super(Printable.escape(Secrets.redact(message)), cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
