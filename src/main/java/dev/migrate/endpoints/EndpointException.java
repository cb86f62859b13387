package dev.migrate.endpoints;

/**
 * Any answer from Prometheus, Loki, Grafana or Alertmanager that is not the API's normal answer,
 * typed so a check can say what went wrong and what to do: unreachable, timed out, 401/403, 4xx,
 * 5xx, HTML or truncated JSON, or a JSON body with {@code status: error}.
 */
public final class EndpointException extends RuntimeException {
    public enum Kind { UNREACHABLE, TIMEOUT, UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, NOT_FOUND, SERVER_ERROR, BAD_RESPONSE, API_ERROR }

    private final Kind kind;
    private final String endpoint;

    /**
     * @param kind     what went wrong
     * @param endpoint the URL (without credentials) that answered or did not
     * @param message  one line: what was seen (status code, the API's error text, the first bytes of HTML)
     */
    public EndpointException(Kind kind, String endpoint, String message) {
        super(message);
        this.kind = kind;
        this.endpoint = endpoint;
    }

    public EndpointException(Kind kind, String endpoint, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.endpoint = endpoint;
    }

    public Kind kind() {
        return kind;
    }

    public String endpoint() {
        return endpoint;
    }
}
