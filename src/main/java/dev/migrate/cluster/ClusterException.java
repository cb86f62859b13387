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
    private final boolean unavailable;

    public ClusterException(Kind kind, String message) {
        super(ExitCodes.FAILED, message);
        this.kind = kind;
        this.unavailable = false;
    }

    public ClusterException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, false);
    }

    /** @param unavailable the server is restarting or shedding load: the same request may be sent again later */
    public ClusterException(Kind kind, String message, Throwable cause, boolean unavailable) {
        super(ExitCodes.FAILED, message, cause);
        this.kind = kind;
        this.unavailable = unavailable;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * A 429, a 503, or the connection refused by a server that answered earlier in this run (a
     * restart): asking again later may succeed, whatever was asked (every Cluster call is safe to repeat).
     */
    public boolean unavailable() {
        return unavailable;
    }
}
