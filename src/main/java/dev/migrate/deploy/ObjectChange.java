package dev.migrate.deploy;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.List;

/**
 * What applying one object did (or, with --diff, would do).
 *
 * @param id     Kind/namespace/name
 * @param action what happened to it
 * @param diff   changed fields (diff mode, or configured objects when known)
 */
public record ObjectChange(String id, Action action, List<String> diff) {
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
    }

    public boolean changed() {
        return action != Action.UNCHANGED;
    }
}
