package dev.migrate.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.bundle.ManifestFiles;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.bundle.Prepared;
import dev.migrate.cluster.Homelab;
import dev.migrate.data.OutputDirectory;
import dev.migrate.settings.SettingsLoader;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.testsupport.LokiDouble;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `migrate deploy --dry-run --out DIR`: the seed's manifest files for the homelab repository, and a
 * kustomization.yaml listing them. The written directory is applied to the real kube-apiserver
 * ({@link KubeApiServer}, as homelab-operator) with server-side apply, as `kubectl apply --server-side
 * -k DIR` does (the test reads kustomization.yaml's resources itself: no kubectl is built here), and
 * `migrate deploy --diff` then finds nothing to change: the files are the objects deploy applies.
 */
class DeployOutTest {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };
    /** The seed's five files plus kustomization.yaml; the Loki rules only with loki-ruler: true. */
    static final List<String> SEED = List.of(ManifestFiles.COLLECTOR_CONFIG, ManifestFiles.COLLECTOR,
            ManifestFiles.SERVICE_MONITOR, ManifestFiles.ALERTS, ManifestFiles.DASHBOARD);

    @TempDir
    Path dir;

    private CliRun deploy(String... args) throws Exception {
        Path config = dir.resolve("migrate.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, "");
        }
        List<String> all = new ArrayList<>(List.of("deploy", "--config", config.toString(),
                "--state-dir", dir.resolve("state").toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    static List<String> tree(Path root) throws Exception {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The objects of the files kustomization.yaml lists, in its order, as kustomize reads them. */
    static List<Map<String, Object>> kustomize(Path out) throws Exception {
        Map<String, Object> k = Json.YAML.readValue(Files.readString(out.resolve(ManifestFiles.KUSTOMIZATION)), TREE);
        assertEquals("Kustomization", k.get("kind"));
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object file : (List<?>) k.get("resources")) {
            try (MappingIterator<LinkedHashMap<String, Object>> docs = Json.YAML.readerFor(TREE)
                    .readValues(Files.readString(out.resolve(String.valueOf(file))))) {
                docs.forEachRemaining(objects::add);
            }
        }
        return objects;
    }

    /** The JSON pointer of the first place two trees differ, and both values there; empty when equal. */
    static String firstDifference(String at, JsonNode a, JsonNode b) {
        if (a.isContainerNode() && b.isContainerNode() && a.getNodeType() == b.getNodeType()) {
            java.util.Set<String> keys = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (int i = 0; a.isArray() && i < Math.max(a.size(), b.size()); i++) {
                keys.add(String.valueOf(i));
            }
            for (String k : keys) {
                JsonNode x = a.isArray() ? a.path(Integer.parseInt(k)) : a.path(k);
                JsonNode y = b.isArray() ? b.path(Integer.parseInt(k)) : b.path(k);
                String d = firstDifference(at + "/" + k, x, y);
                if (!d.isEmpty()) {
                    return d;
                }
            }
            return "";
        }
        return a.equals(b) ? "" : at + ": " + a + " vs " + b;
    }

    @Test
    void writesTheSeedsFilesAndAKustomizationOfExactlyTheObjectsDeployApplies() throws Exception {
        Path out = dir.resolve("homelab/manifests/monitoring");
        CliRun run = deploy("--dry-run", "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<String> expected = new ArrayList<>(List.of("", OutputDirectory.INDEX, ManifestFiles.KUSTOMIZATION));
        expected.addAll(SEED);
        assertEquals(expected.stream().sorted().toList(), tree(out));
        assertTrue(run.out().contains("wrote " + out.resolve(ManifestFiles.ALERTS)), run.out());
        assertTrue(run.out().contains("kubectl apply --server-side --field-manager=migrate -k " + out), run.out());

        String collector = Files.readString(out.resolve(ManifestFiles.COLLECTOR));
        assertTrue(collector.contains("kind: Deployment") && collector.contains("kind: Service"), "Deployment and Service together");

        Map<String, Object> k = Json.YAML.readValue(Files.readString(out.resolve(ManifestFiles.KUSTOMIZATION)), TREE);
        assertEquals(SEED, k.get("resources"), "kustomization.yaml lists the files in apply order");

        var settings = SettingsLoader.load(java.util.Optional.of(dir.resolve("migrate.yaml")), Map.of(),
                Map.of("state-dir", dir.resolve("state").toString()));
        List<Map<String, Object>> rendered = Prepared.of(settings).bundle().objects().stream().map(ManifestObject::body).toList();
        List<Map<String, Object>> written = kustomize(out);
        assertEquals(rendered.size(), written.size());
        for (int i = 0; i < rendered.size(); i++) {
            JsonNode want = Json.MAPPER.valueToTree(rendered.get(i));
            JsonNode got = Json.MAPPER.valueToTree(written.get(i));
            assertEquals("", firstDifference("", want, got), "object " + (i + 1) + " differs from what deploy applies");
        }
    }

    @Test
    void theWrittenDirectoryAppliedToTheRealApiServerIsWhatDeployWouldApply() throws Exception {
        KubeApiServer api = KubeApiServer.shared();
        Homelab.seed(api);
        Path out = dir.resolve("manifests/monitoring");
        assertEquals(ExitCodes.OK, deploy("--dry-run", "--out", out.toString()).exitCode());

        // kubectl apply --server-side -k: every object, strict field validation, kubectl's field manager
        try (KubernetesClient operator = api.client(KubeApiServer.OPERATOR)) {
            for (Map<String, Object> object : kustomize(out)) {
                GenericKubernetesResource r = operator.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
                operator.genericKubernetesResources(r.getApiVersion(), r.getKind()).inNamespace(r.getMetadata().getNamespace())
                        .resource(r).fieldValidation(io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation.STRICT)
                        .fieldManager("kubectl").serverSideApply();
            }
        }
        assertTrue(api.admin().apps().deployments().inNamespace(Homelab.NS).withName("otel-collector").get() != null);

        Path kubeconfig = api.kubeconfig(dir, Homelab.CONTEXT, KubeApiServer.OPERATOR);
        try (LokiDouble loki = new LokiDouble().config(Homelab.LOKI_CONFIG)) {
            CliRun diff = deploy("--kubeconfig", kubeconfig.toString(), "--context", Homelab.CONTEXT,
                    "--loki-url", loki.url(), "--diff", "-o", "json");
            assertEquals(ExitCodes.OK, diff.exitCode(), diff.out() + diff.err());
            JsonNode changes = Json.MAPPER.readTree(diff.out()).get("changes");
            assertEquals(6, changes.size(), diff.out());
            for (JsonNode c : changes) {
                assertEquals("unchanged", c.get("action").asText(), "deploy would change what the files applied: " + c);
            }
        }
    }

    @Test
    void aSecondRunReplacesItsOwnFilesAndLeavesOtherFilesAlone() throws Exception {
        Path out = Files.createDirectories(dir.resolve("monitoring"));
        Files.writeString(out.resolve("README.md"), "our monitoring manifests\n");
        assertEquals(ExitCodes.OK, deploy("--dry-run", "--out", out.toString()).exitCode());
        CliRun again = deploy("--dry-run", "--out", out.toString(), "--vip", "10.10.30.23");
        assertEquals(ExitCodes.OK, again.exitCode(), again.err());
        assertTrue(Files.readString(out.resolve(ManifestFiles.COLLECTOR)).contains("10.10.30.23"));
        assertEquals("our monitoring manifests\n", Files.readString(out.resolve("README.md")));
    }

    @Test
    void aFileTheBundleNoLongerHasIsRemovedSoTheDirectoryHoldsWhatDeployApplies() throws Exception {
        Path out = dir.resolve("monitoring");
        Files.writeString(dir.resolve("migrate.yaml"), "loki-ruler: true\n");
        assertEquals(ExitCodes.OK, deploy("--dry-run", "--out", out.toString()).exitCode());
        assertTrue(Files.exists(out.resolve(ManifestFiles.LOKI_RULES)));

        Files.writeString(dir.resolve("migrate.yaml"), "loki-ruler: false\n");
        CliRun off = deploy("--dry-run", "--out", out.toString());
        assertEquals(ExitCodes.OK, off.exitCode(), off.err());
        assertTrue(off.out().contains("removed " + out.resolve(ManifestFiles.LOKI_RULES) + " (written by an earlier --out, no longer"
                + " in the bundle)"), off.out());
        List<String> expected = new ArrayList<>(List.of("", OutputDirectory.INDEX, ManifestFiles.KUSTOMIZATION));
        expected.addAll(SEED);
        assertEquals(expected.stream().sorted().toList(), tree(out), "no file of objects deploy would not apply");
        assertFalse(Files.readString(out.resolve(OutputDirectory.INDEX)).contains(ManifestFiles.LOKI_RULES));

        // Edited by hand, then no longer in the bundle: named and kept unless forced, and then copied.
        Files.writeString(dir.resolve("migrate.yaml"), "loki-ruler: true\n");
        assertEquals(ExitCodes.OK, deploy("--dry-run", "--out", out.toString()).exitCode());
        Path rules = out.resolve(ManifestFiles.LOKI_RULES);
        String edited = Files.readString(rules) + "# our own threshold\n";
        Files.writeString(rules, edited);
        Files.writeString(dir.resolve("migrate.yaml"), "loki-ruler: false\n");
        List<String> before = tree(out);
        String kustomization = Files.readString(out.resolve(ManifestFiles.KUSTOMIZATION));
        CliRun refused = deploy("--dry-run", "--out", out.toString());
        assertEquals(ExitCodes.USAGE, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.errorLine().contains(ManifestFiles.LOKI_RULES + " is no longer in the bundle and was changed by hand")
                && refused.errorLine().contains("nothing was written") && refused.errorLine().contains("--force"), refused.err());
        assertEquals(before, tree(out));
        assertEquals(edited, Files.readString(rules));
        assertEquals(kustomization, Files.readString(out.resolve(ManifestFiles.KUSTOMIZATION)), "nothing was written");

        CliRun forced = deploy("--dry-run", "--out", out.toString(), "--force");
        assertEquals(ExitCodes.OK, forced.exitCode(), forced.err());
        assertFalse(Files.exists(rules));
        assertEquals(edited, Files.readString(out.resolve(ManifestFiles.LOKI_RULES + OutputDirectory.EDITED_SUFFIX)));
        assertFalse(Files.readString(out.resolve(ManifestFiles.KUSTOMIZATION)).contains(ManifestFiles.LOKI_RULES));
    }

    @Test
    void aFileAPersonEditedIsKeptUnlessForcedAndThenCopied() throws Exception {
        Path out = dir.resolve("monitoring");
        assertEquals(ExitCodes.OK, deploy("--dry-run", "--out", out.toString()).exitCode());
        Path monitor = out.resolve(ManifestFiles.SERVICE_MONITOR);
        String edited = Files.readString(monitor).replace("interval: 15s", "interval: 30s");
        Files.writeString(monitor, edited);
        List<String> before = tree(out);

        CliRun run = deploy("--dry-run", "--out", out.toString(), "--vip", "10.10.30.23");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains(ManifestFiles.SERVICE_MONITOR + " was changed by hand")
                && run.errorLine().contains("--force"), run.err());
        assertEquals(before, tree(out));
        assertEquals(edited, Files.readString(monitor));
        assertFalse(Files.readString(out.resolve(ManifestFiles.COLLECTOR)).contains("10.10.30.23"), "nothing was written");

        CliRun forced = deploy("--dry-run", "--out", out.toString(), "--vip", "10.10.30.23", "--force");
        assertEquals(ExitCodes.OK, forced.exitCode(), forced.err());
        assertEquals(edited, Files.readString(out.resolve(ManifestFiles.SERVICE_MONITOR + OutputDirectory.EDITED_SUFFIX)));
        assertTrue(Files.readString(monitor).contains("interval: 15s"));
    }

    @Test
    void badDirectoriesAreRefusedAndNothingIsWritten() throws Exception {
        Path others = Files.createDirectories(dir.resolve("theirs"));
        Files.writeString(others.resolve("kustomization.yaml"), "resources: [grafana.yaml]\n");
        Files.writeString(others.resolve("grafana.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
        List<String> before = tree(others);
        CliRun run = deploy("--dry-run", "--out", others.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.errorLine().contains("holds manifests migrate did not write (grafana.yaml, kustomization.yaml)"), run.err());
        assertEquals(before, tree(others));

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        run = deploy("--dry-run", "--out", file.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("is a file, not a directory"), run.err());

        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        run = deploy("--dry-run", "--out", readOnly.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("is read-only"), run.err());
        assertEquals(List.of(""), tree(readOnly));

        run = deploy("--dry-run", "--out", dir.resolve("state/manifests").toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("is inside the state directory"), run.err());
        assertFalse(Files.exists(dir.resolve("state/manifests")));

        Path notDry = dir.resolve("not-dry");
        run = deploy("--out", notDry.toString(), "--context", "homelab");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("--out writes the manifests as files and applies nothing: add --dry-run"), run.err());
        assertFalse(Files.exists(notDry));

        Path failing = dir.resolve("failing");
        run = deploy("--dry-run", "--out", failing.toString(), "--vip", "10.10.30.200");
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.err());
        assertTrue(run.errorLine().contains("(nothing was written)"), run.err());
        assertFalse(Files.exists(failing), "a bundle that fails a rule is not written either");
    }
}
