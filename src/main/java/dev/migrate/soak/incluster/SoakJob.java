package dev.migrate.soak.incluster;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the objects that run the soak inside the cluster: a ConfigMap with the same settings
 * (so the in-cluster soak proves the same settings digest), a small PVC for its journal (a pod
 * restart resumes it), and a Job running this tool's image with {@code soak --journal-stdout}.
 * The soak only reads Prometheus and Loki over HTTP, so the pod gets no service account token.
 */
public final class SoakJob {
    public static final String NAME = "migrate-soak";
    public static final String STATE_MOUNT = "/var/lib/migrate";
    public static final String CONFIG_MOUNT = "/etc/migrate";
    /** The working directory: a relative checks-dir resolves under it, as on the laptop. */
    public static final String WORKDIR = "/soak";

    private SoakJob() {
    }

    /**
     * @param checkFiles when checks-dir is set: its soak.yaml (and verify.yaml, which the round trip
     *                   uses) by file name, mounted at the same path in the pod; empty otherwise
     */
    public static List<ManifestObject> render(Settings settings, Map<String, String> checkFiles) {
        String ns = settings.namespace();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("migrate.yaml", settingsYaml(settings));
        data.putAll(checkFiles);
        ManifestObject config = object("v1", "ConfigMap", ns, NAME, Map.of("data", data));
        ManifestObject pvc = object("v1", "PersistentVolumeClaim", ns, NAME + "-journal", Map.of("spec", Map.of(
                "accessModes", List.of("ReadWriteOnce"),
                "resources", Map.of("requests", Map.of("storage", "64Mi")))));

        List<Map<String, Object>> mounts = new ArrayList<>(List.of(
                Map.of("name", "journal", "mountPath", STATE_MOUNT),
                Map.of("name", "settings", "mountPath", CONFIG_MOUNT + "/migrate.yaml", "subPath", "migrate.yaml", "readOnly", true),
                Map.of("name", "tmp", "mountPath", "/tmp"),
                // the root filesystem is read-only: the working directory is a writable scratch volume
                Map.of("name", "work", "mountPath", WORKDIR)));
        for (String file : checkFiles.keySet()) {
            Path dir = settings.checksDir().orElseThrow();
            String at = dir.isAbsolute() ? dir.toString() : WORKDIR + "/" + dir.normalize();
            mounts.add(Map.of("name", "settings", "mountPath", at + "/" + file, "subPath", file, "readOnly", true));
        }
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "soak");
        container.put("image", settings.soakImage());
        container.put("workingDir", WORKDIR);
        container.put("args", List.of("soak", "--journal-stdout", "--config", CONFIG_MOUNT + "/migrate.yaml",
                "--state-dir", STATE_MOUNT));
        container.put("env", List.of(Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-XX:MaxRAMPercentage=60")));
        container.put("resources", Map.of("requests", Map.of("cpu", "50m", "memory", "192Mi"),
                "limits", Map.of("cpu", "500m", "memory", "384Mi")));
        container.put("securityContext", Map.of("runAsNonRoot", true, "runAsUser", 10001, "readOnlyRootFilesystem", true,
                "allowPrivilegeEscalation", false, "capabilities", Map.of("drop", List.of("ALL"))));
        container.put("volumeMounts", mounts);

        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("restartPolicy", "OnFailure");
        podSpec.put("automountServiceAccountToken", false);
        podSpec.put("securityContext", Map.of("fsGroup", 10001, "seccompProfile", Map.of("type", "RuntimeDefault")));
        podSpec.put("containers", List.of(container));
        podSpec.put("volumes", List.of(
                Map.of("name", "journal", "persistentVolumeClaim", Map.of("claimName", NAME + "-journal")),
                Map.of("name", "settings", "configMap", Map.of("name", NAME)),
                Map.of("name", "tmp", "emptyDir", Map.of()),
                Map.of("name", "work", "emptyDir", Map.of())));
        Map<String, Object> jobSpec = new LinkedHashMap<>();
        // A crashed or evicted pod comes back and resumes from the journal on the PVC.
        jobSpec.put("backoffLimit", 20);
        jobSpec.put("template", Map.of("metadata", Map.of("labels", labels()), "spec", podSpec));
        ManifestObject job = object("batch/v1", "Job", ns, NAME, Map.of("spec", jobSpec));
        return List.of(config, pvc, job);
    }

    /** Every digested setting, so the Job's settings digest equals this machine's. */
    static String settingsYaml(Settings settings) {
        StringBuilder b = new StringBuilder("# written by 'migrate soak --in-cluster'; same settings as the machine that rendered it\n");
        for (SettingKey key : SettingKeys.ALL) {
            if (key.digested() && !settings.raw(key).isEmpty()) {
                b.append(key.name()).append(": '").append(settings.raw(key).replace("'", "''")).append("'\n");
            }
        }
        return b.toString();
    }

    private static Map<String, String> labels() {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("app.kubernetes.io/name", NAME);
        l.put(ManifestObject.MANAGED_BY_LABEL, ManifestObject.MANAGED_BY_VALUE);
        l.put(ManifestObject.PART_OF_LABEL, ManifestObject.PART_OF_VALUE);
        return l;
    }

    private static ManifestObject object(String apiVersion, String kind, String ns, String name, Map<String, Object> rest) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apiVersion", apiVersion);
        body.put("kind", kind);
        body.put("metadata", Map.of("name", name, "namespace", ns, "labels", labels()));
        body.putAll(rest);
        return new ManifestObject(apiVersion, kind, ns, name, body);
    }
}
