package dev.migrate.deploy;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.Trees;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the server answered to migrate's last apply of one object, kept in the deploy's ledger
 * record so the next deploy can judge its own apply from the answer alone, without reading the
 * object first. The server moves migrate's managedFields time only when migrate's apply changes
 * the object (a no-op apply is not written), so an unchanged time means this apply changed nothing,
 * whatever controllers wrote to the status since. That time has second precision: it tells only
 * once the second it was set in is over, so an object migrate changed less than {@link #SETTLE}
 * ago is read before its apply, as without a record.
 *
 * @param digest          {@link ManifestObject#digest()} of what was sent
 * @param uid             the object's identity: another uid means it was deleted since
 * @param resourceVersion the object's version in that answer
 * @param applyTime       the time of migrate's Apply entry in its managedFields, as the server stamped it
 * @param changedBy       by this machine's clock, no earlier than the apply that last changed the object
 */
record AppliedVersion(String digest, String uid, String resourceVersion, String applyTime, Instant changedBy) {
    /** The deploy ledger record's key for these, one {@code id=digest;uid;resourceVersion;time;changedBy} per object. */
    static final String LEDGER_KEY = "appliedVersions";
    /** Past a second boundary (the stamp's precision) with a second to spare for the two clocks' ticks. */
    static final Duration SETTLE = Duration.ofSeconds(2);
    static final String WRITTEN_AGAIN = "(written by this apply: something outside migrate changed migrate's fields since the"
            + " last deploy and the apply set them back, or the API server writes on every apply (kubernetes#124605);"
            + " its state before the apply was not read)";

    /** Whether an apply of {@code object} now can be judged from its answer: the same content, last changed long enough ago. */
    boolean judges(ManifestObject object, Instant now) {
        return digest.equals(object.digest()) && !changedBy.isAfter(now.minus(SETTLE));
    }

    static AppliedVersion of(String digest, Map<String, Object> answer, Instant changedBy) {
        String time = "";
        for (Object entry : Trees.list(answer, "metadata", "managedFields")) {
            if (Cluster.FIELD_MANAGER.equals(Trees.text(entry, "manager")) && "Apply".equals(Trees.text(entry, "operation"))
                    && Trees.text(entry, "subresource").isEmpty()) {
                time = Trees.text(entry, "time");
            }
        }
        return new AppliedVersion(digest, Trees.text(answer, "metadata", "uid"),
                Trees.text(answer, "metadata", "resourceVersion"), time, changedBy);
    }

    /**
     * What this deploy's apply did, from its answer, when this version was the last one migrate
     * applied with the same content: the same resourceVersion, or the same Apply time (only others
     * wrote since, e.g. a controller's status), is unchanged. Otherwise this apply wrote it (see
     * {@link #WRITTEN_AGAIN}), or it was deleted since and this apply created it again; the state
     * before the apply was not read, so the lines say so instead of a field diff.
     */
    ObjectChange judge(String id, Map<String, Object> answer) {
        AppliedVersion now = of(digest, answer, changedBy);
        if (!uid.equals(now.uid)) {
            if (createdBy(now.applyTime, Trees.text(answer, "metadata", "creationTimestamp"))) {
                return new ObjectChange(id, ObjectChange.Action.CREATED, List.of("(deleted outside migrate since the last deploy)"),
                        answer);
            }
            return new ObjectChange(id, ObjectChange.Action.CONFIGURED,
                    List.of("(deleted and created again outside migrate since the last deploy; its state before this apply was not read)"),
                    answer);
        }
        if (resourceVersion.equals(now.resourceVersion) || (!applyTime.isEmpty() && applyTime.equals(now.applyTime))) {
            return new ObjectChange(id, ObjectChange.Action.UNCHANGED, List.of(), answer);
        }
        // Never "unchanged" for an apply the server wrote, even if only its stamp moved (kubernetes#124605).
        return new ObjectChange(id, ObjectChange.Action.CONFIGURED, List.of(WRITTEN_AGAIN), answer);
    }

    /** Migrate's Apply entry was written as the object was created (the two stamps may straddle a second). */
    private static boolean createdBy(String applyTime, String created) {
        try {
            return Math.abs(java.time.Duration.between(java.time.Instant.parse(applyTime), java.time.Instant.parse(created))
                    .toSeconds()) <= 1;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    static Map<String, AppliedVersion> parse(String text) {
        Map<String, AppliedVersion> out = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            int eq = item.indexOf('=');
            String[] parts = eq < 0 ? new String[0] : item.substring(eq + 1).split(";", -1);
            if (parts.length == 5 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()) {
                try {
                    out.put(item.substring(0, eq), new AppliedVersion(parts[0], parts[1], parts[2], parts[3],
                            Instant.parse(parts[4])));
                } catch (java.time.format.DateTimeParseException unreadable) {
                    // not judged from the answer: the object is read before its apply
                }
            }
        }
        return out;
    }

    static String format(Map<String, AppliedVersion> versions) {
        List<String> items = new ArrayList<>();
        versions.forEach((id, v) -> items.add(id + "=" + v.digest + ";" + v.uid + ";" + v.resourceVersion + ";" + v.applyTime
                + ";" + v.changedBy));
        return String.join(",", items);
    }

    /**
     * The versions a deploy leaves, for the bundle's objects: what it applied, else what the last
     * deploy recorded. An object this deploy changed, or found unchanged with no record of when it
     * last changed, counts as changed {@code now} (the end of the deploy, after every apply).
     */
    static Map<String, AppliedVersion> after(List<ManifestObject> objects, Map<String, AppliedVersion> before,
                                             List<ObjectChange> changes, Instant now) {
        Map<String, ObjectChange> applied = new LinkedHashMap<>();
        changes.forEach(c -> {
            if (!c.answer().isEmpty()) {
                applied.put(c.id(), c);
            }
        });
        Map<String, AppliedVersion> out = new LinkedHashMap<>();
        for (ManifestObject o : objects) {
            ObjectChange c = applied.get(o.id());
            AppliedVersion last = before.get(o.id());
            if (c != null) {
                boolean same = !c.changed() && last != null && last.uid().equals(Trees.text(c.answer(), "metadata", "uid"));
                Instant changedBy = same ? last.changedBy() : now;
                out.put(o.id(), of(o.digest(), c.answer(), changedBy));
            } else if (last != null) {
                out.put(o.id(), last);
            }
        }
        return out;
    }
}
