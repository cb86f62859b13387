package dev.migrate.cluster;

import java.util.List;

/**
 * Server-side apply answered 409: another field manager owns fields we set with different values.
 *
 * @see <a href="https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts">SSA conflicts</a>
 */
public final class ApplyConflictException extends ClusterException {
    private final String objectId;
    private final List<String> managers;
    private final List<String> fields;

    public ApplyConflictException(String objectId, List<String> managers, List<String> fields, String serverMessage) {
        super(Kind.CONFLICT, objectId + ": field-manager conflict with " + String.join(", ", managers)
                + " on " + String.join(", ", fields) + " (" + serverMessage + ")");
        this.objectId = objectId;
        this.managers = List.copyOf(managers);
        this.fields = List.copyOf(fields);
    }

    public String objectId() {
        return objectId;
    }

    public List<String> managers() {
        return managers;
    }

    public List<String> fields() {
        return fields;
    }
}
