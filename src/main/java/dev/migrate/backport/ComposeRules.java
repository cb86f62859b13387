package dev.migrate.backport;

import dev.migrate.checks.CheckResult;
import dev.migrate.cluster.Trees;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Offline rules over a Compose file (a tree as {@link ComposeFile#tree} makes it, or a file read
 * back): the v1.1.1 volumes are kept, every image is pinned, every restart policy lets
 * `docker compose stop` stop, and the old host ports plus Loki's are published.
 */
public final class ComposeRules {
    public static final String VOLUMES_KEPT = "compose.v1-volumes-kept";
    public static final String IMAGES_PINNED = "compose.images-pinned";
    public static final String RESTART_STOPPABLE = "compose.restart-stoppable";
    public static final String PORTS_KEPT = "compose.ports-kept";

    private ComposeRules() {
    }

    /**
     * @param project     the compose-project setting: the project whose v1.1.1 volumes must survive
     * @param dirProject  the project Compose will use for this file (its directory's name), for volumes without name:
     */
    public static List<CheckResult> check(Map<String, Object> compose, String project, String dirProject) {
        return List.of(volumesKept(compose, project, dirProject), imagesPinned(compose), restartStoppable(compose),
                portsKept(compose));
    }

    /** The real name Compose gives volume {@code key}: its name:, else &lt;project&gt;_&lt;key&gt;. */
    static String realName(Map<String, Object> compose, String key, String dirProject) {
        Object decl = Trees.at(compose, "volumes", key);
        String name = Trees.text(decl, "name");
        if (!name.isEmpty()) {
            return name;
        }
        return "true".equals(Trees.text(decl, "external")) ? key : dirProject + "_" + key;
    }

    static CheckResult volumesKept(Map<String, Object> compose, String project, String dirProject) {
        List<String> seen = new ArrayList<>();
        for (OldStack.Volume v : OldStack.VOLUMES) {
            String want = v.realName(project);
            String mountedAs = null;
            for (String volume : mounts(compose, v.service())) {
                String[] parts = volume.split(":");
                if (parts.length >= 2 && parts[1].equals(v.mount())) {
                    mountedAs = parts[0];
                }
            }
            if (mountedAs == null) {
                return CheckResult.fail(VOLUMES_KEPT, "service " + v.service() + " mounts nothing at " + v.mount(),
                        "the " + OldStack.VERSION + " data in " + want + " would not be used (orphaned)",
                        "mount the volume " + v.key() + " at " + v.mount() + " in service " + v.service());
            }
            String real = mountedAs.startsWith("/") || mountedAs.startsWith(".") ? mountedAs
                    : realName(compose, mountedAs, dirProject);
            if (!real.equals(want)) {
                return CheckResult.fail(VOLUMES_KEPT, v.service() + ":" + v.mount() + " would use " + real + ", not " + want,
                        "a new, empty volume would be created and the " + OldStack.VERSION + " data in " + want + " orphaned",
                        "declare the volume with name: " + want + " (or keep key " + v.key() + " in project " + project + ")");
            }
            seen.add(v.key() + " -> " + want + " at " + v.mount());
        }
        return CheckResult.pass(VOLUMES_KEPT, String.join(", ", seen));
    }

    static CheckResult imagesPinned(Map<String, Object> compose) {
        List<String> images = new ArrayList<>();
        for (String service : services(compose)) {
            String image = Trees.text(compose, "services", service, "image");
            if (Values.problem(SettingKey.Kind.IMAGE, image) != null || image.isEmpty()) {
                return CheckResult.fail(IMAGES_PINNED, service + " uses image '" + image + "'",
                        "an unpinned image changes under the stack at the next pull", "pin a version, e.g. name:1.2.3");
            }
            images.add(image);
        }
        return CheckResult.pass(IMAGES_PINNED, String.join(", ", images));
    }

    static CheckResult restartStoppable(Map<String, Object> compose) {
        Set<String> policies = new TreeSet<>();
        for (String service : services(compose)) {
            String restart = Trees.text(compose, "services", service, "restart");
            if (restart.equals("always")) {
                return CheckResult.fail(RESTART_STOPPABLE, service + " has restart: always",
                        "a container stopped with 'docker compose stop' comes back when the Docker daemon restarts",
                        "use restart: unless-stopped");
            }
            policies.add(restart.isEmpty() ? "no" : restart);
        }
        return CheckResult.pass(RESTART_STOPPABLE, "restart " + String.join(", ", policies));
    }

    static CheckResult portsKept(Map<String, Object> compose) {
        Set<Integer> published = new TreeSet<>();
        for (String service : services(compose)) {
            if (Trees.at(compose, "services", service, "ports") instanceof List<?> ports) {
                for (Object p : ports) {
                    String[] parts = ComposeFile.withDefaults(String.valueOf(p)).split(":");
                    if (parts.length >= 2 && parts[parts.length - 2].matches("\\d+")) {
                        published.add(Integer.parseInt(parts[parts.length - 2]));
                    }
                }
            }
        }
        List<Integer> want = new ArrayList<>(OldStack.PORTS);
        want.add(3100);
        List<Integer> missing = want.stream().filter(p -> !published.contains(p)).toList();
        if (!missing.isEmpty()) {
            return CheckResult.fail(PORTS_KEPT, "host ports " + published + " do not include " + missing,
                    "clients and bookmarks of " + OldStack.VERSION + " use those ports", "publish " + missing);
        }
        return CheckResult.pass(PORTS_KEPT, "host ports " + published);
    }

    private static List<String> services(Map<String, Object> compose) {
        return Trees.at(compose, "services") instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    private static List<String> mounts(Map<String, Object> compose, String service) {
        List<String> out = new ArrayList<>();
        if (Trees.at(compose, "services", service, "volumes") instanceof List<?> l) {
            l.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }
}
