package dev.migrate.deploy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;
import java.util.Map;

/**
 * What applying one object did (or, with --diff, would do).
 *
 * @param id     Kind/namespace/name
 * @param action what happened to it
 * @param diff   changed fields (diff mode, or configured objects when known)
 * @param answer the object as the server answered the apply (status included, so the waits start from it);
 *               empty for a dry run
 */
public record ObjectChange(String id, Action action, List<String> diff,
                           @JsonIgnore Map<String, Object> answer) {
    /** What an apply did to one object; the label is what the operator reads (as kubectl prints it). */
    public enum Action {
        CREATED("created"),
        CONFIGURED("configured"),
        UNCHANGED("unchanged"),
        WOULD_CREATE("would be created"),
        WOULD_CHANGE("would change");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        @JsonValue
        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    public ObjectChange {
        diff = List.copyOf(diff);
        answer = answer == null ? Map.of() : answer;
    }

    public ObjectChange(String id, Action action, List<String> diff) {
        this(id, action, diff, Map.of());
    }

    public boolean changed() {
        return action != Action.UNCHANGED;
    }
}
