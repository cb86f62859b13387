package dev.migrate.deploy;

import java.util.List;

/**
 * What applying one object did (or, with --diff, would do).
 *
 * @param id     Kind/namespace/name
 * @param action {@link #CREATED}, {@link #CONFIGURED}, {@link #UNCHANGED}, or the would-* forms of a diff
 * @param diff   changed fields (diff mode, or configured objects when known)
 */
public record ObjectChange(String id, String action, List<String> diff) {
    public static final String CREATED = "created";
    public static final String CONFIGURED = "configured";
    public static final String UNCHANGED = "unchanged";
    public static final String WOULD_CREATE = "would be created";
    public static final String WOULD_CHANGE = "would change";

    public ObjectChange {
        diff = List.copyOf(diff);
    }

    public boolean changed() {
        return !UNCHANGED.equals(action);
    }
}
