package dev.migrate;

/**
 * A problem the operator can fix: bad input, an unreachable endpoint, a refused gate.
 * The message is one line that names the input and says how to fix it; Main prints it
 * without a stack trace and exits with {@link #exitCode()}.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(ExitCodes.USAGE, message);
    }

    public UserError(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserError(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
