package dev.migrate.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.data.OutputDirectory;
import dev.migrate.data.OutputDirectory.OutputFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The bundle as files for a homelab repository (`deploy --dry-run --out DIR`), named as the
 * homelab's phase plan names them: the collector config, the collector (Deployment and Service in
 * one file), its ServiceMonitor, the dashboard ConfigMap and the alert rules, plus the Loki rules
 * when the bundle has them, and a kustomization.yaml listing them in apply order, so `kubectl apply
 * -k DIR`, Flux or Argo CD apply exactly what `migrate deploy` would.
 */
public final class ManifestFiles {
    public static final String KUSTOMIZATION = "kustomization.yaml";
    public static final String COLLECTOR_CONFIG = "otel-collector-config.yaml";
    public static final String COLLECTOR = "otel-collector.yaml";
    public static final String SERVICE_MONITOR = "otel-collector-servicemonitor.yaml";
    public static final String DASHBOARD = "claude-dashboard-configmap.yaml";
    public static final String ALERTS = "claude-alerts.yaml";
    public static final String LOKI_RULES = "claude-loki-rules.yaml";
    /** The command that writes them, named on the first line of every file. */
    public static final String DEPLOY_OUT = "migrate deploy --dry-run --out";
    /** Extensions kubectl, kustomize and Argo CD read as manifests. */
    private static final List<String> MANIFEST_EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private ManifestFiles() {
    }

    /**
     * The files, each object's YAML exactly as rendered, objects of one file in apply order;
     * kustomization.yaml last.
     *
     * @param writer the command that writes them, for the first line of each file (so a reader of the
     *               repository knows where they come from and not to edit them by hand)
     */
    public static List<OutputFile> of(Bundle bundle, String writer) {
        String header = "# Written by `" + writer + "`: the objects `migrate deploy` applies. Regenerate rather than edit.\n";
        Map<String, StringBuilder> files = new LinkedHashMap<>();
        for (ManifestObject o : bundle.objects()) {
            StringBuilder b = files.computeIfAbsent(fileOf(o), f -> new StringBuilder(header));
            if (b.length() > header.length()) {
                b.append("---\n");
            }
            b.append(yaml(o.body()));
        }
        List<OutputFile> out = new ArrayList<>();
        files.forEach((name, text) -> out.add(new OutputFile(name, text.toString())));
        Map<String, Object> kustomization = new LinkedHashMap<>();
        kustomization.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        kustomization.put("kind", "Kustomization");
        kustomization.put("resources", List.copyOf(files.keySet()));
        out.add(new OutputFile(KUSTOMIZATION, header + yaml(kustomization)));
        return out;
    }

    /** The file an object goes into: by its role in the bundle, else kind-name.yaml. */
    public static String fileOf(ManifestObject o) {
        Map<?, ?> labels = o.body().get("metadata") instanceof Map<?, ?> md && md.get("labels") instanceof Map<?, ?> l ? l : Map.of();
        return switch (o.kind()) {
            case "Deployment", "Service" -> COLLECTOR;
            case "ServiceMonitor" -> SERVICE_MONITOR;
            case "PrometheusRule" -> ALERTS;
            case "ConfigMap" -> labels.containsKey("grafana_dashboard") ? DASHBOARD
                    : labels.containsKey("loki_rule") ? LOKI_RULES
                    : o.body().get("data") instanceof Map<?, ?> d && d.containsKey(BundleRenderer.COLLECTOR_CONFIG_KEY)
                    ? COLLECTOR_CONFIG : other(o);
            default -> other(o);
        };
    }

    private static String other(ManifestObject o) {
        return o.kind().toLowerCase(Locale.ROOT) + "-" + o.name() + ".yaml";
    }

    /**
     * What a run does to DIR: the files to write, and the manifests an earlier run wrote there that the
     * bundle no longer has (the Loki rules after loki-ruler is turned off), to remove, so that DIR holds
     * exactly the objects its kustomization.yaml lists.
     */
    public record Target(List<OutputFile> files, List<String> stale) {
        public Target {
            files = List.copyOf(files);
            stale = List.copyOf(stale);
        }
    }

    /**
     * Decides whether DIR may take the files and returns what to write and remove. Allowed: a new or
     * empty directory, or one holding only files an earlier `--out` wrote (replaced, or removed when the
     * bundle has them no more) and files that are no manifests (a README stays as it is). Refused: any
     * manifest migrate did not write there (someone else's objects, which our kustomization.yaml would
     * leave out), and, without {@code force}, a file of ours that a person edited since
     * ({@link OutputDirectory#keepingEdits}), whether it is replaced or would be removed; with
     * {@code force} each such file is kept as a copy.
     */
    public static Target forTarget(List<OutputFile> files, OutputDirectory out, boolean force) {
        Set<String> ours = out.written().keySet();
        List<String> foreign = out.entries().stream()
                .filter(e -> !e.equals(OutputDirectory.INDEX) && !ours.contains(e))
                .filter(e -> isManifest(e) || java.nio.file.Files.isDirectory(out.dir().resolve(e)) && !e.startsWith("."))
                .toList();
        if (!foreign.isEmpty()) {
            throw new UserError(out.flag() + " " + out.dir() + " holds manifests migrate did not write ("
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size()))) + (foreign.size() > 5 ? ", ..." : "")
                    + "); nothing was written. Give a directory of its own, e.g. " + out.flag() + " "
                    + out.dir().resolve("claude-code"));
        }
        List<OutputFile> result = new ArrayList<>(out.keepingEdits(files, force, "migrate deploy --out"));
        // Only what this command writes: a top-level manifest file, regular, not a copy (<file>.edited).
        Set<String> generated = new java.util.HashSet<>(files.stream().map(OutputFile::path).toList());
        List<String> stale = ours.stream()
                .filter(e -> !generated.contains(e) && !e.contains("/") && !e.startsWith(".") && isManifest(e))
                .filter(e -> java.nio.file.Files.isRegularFile(out.dir().resolve(e), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .sorted().toList();
        List<String> staleEdited = out.editedSinceWritten(stale);
        if (!staleEdited.isEmpty()) {
            boolean one = staleEdited.size() == 1;
            String them = one ? "it" : "them";
            if (!force) {
                throw new UserError(out.flag() + " " + out.dir() + ": " + String.join(", ", staleEdited) + (one ? " is" : " are")
                        + " no longer in the bundle and " + (one ? "was" : "were") + " changed by hand since migrate deploy --out wrote "
                        + them + "; nothing was written. Move " + them + " away, or run again with --force to remove " + them
                        + " and keep each edited file as <file>" + OutputDirectory.EDITED_SUFFIX);
            }
            result.addAll(out.editedCopies(staleEdited, result));
        }
        out.checkTargets(result);
        return new Target(result, stale);
    }

    private static boolean isManifest(String name) {
        return MANIFEST_EXTENSIONS.stream().anyMatch(x -> name.toLowerCase(Locale.ROOT).endsWith(x));
    }

    private static String yaml(Object tree) {
        try {
            return Json.YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendered objects are always YAML", e);
        }
    }
}
