package dev.migrate.cluster;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;

/**
 * A cluster answer the operator has to act on. The message always names the server URL and the
 * context (so the operator sees which cluster was asked) and never a token or certificate.
 */
public class ClusterException extends UserError {
    /** SERVER_ERROR (5xx) and BAD_RESPONSE (HTML, not JSON, too large) as in EndpointException. */
    public enum Kind { UNREACHABLE, UNAUTHORIZED, FORBIDDEN, CONFLICT, NOT_FOUND, OTHER, SERVER_ERROR, BAD_RESPONSE }

    private final Kind kind;

    public ClusterException(Kind kind, String message) {
        super(ExitCodes.FAILED, message);
        this.kind = kind;
    }

    public ClusterException(Kind kind, String message, Throwable cause) {
        super(ExitCodes.FAILED, message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
