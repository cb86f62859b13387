package dev.migrate.soak.incluster;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.cluster.Homelab;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code soak --in-cluster --apply} on a real kube-apiserver ({@link KubeApiServer}): the ConfigMap,
 * PVC and Job go in by server-side apply with field manager migrate, a second --apply writes
 * nothing, and a Job whose settings changed is refused by the server's immutability rule.
 */
class InClusterApplyTest {
    @TempDir
    Path dir;
    KubeApiServer api;
    KubernetesClient c;

    @BeforeEach
    void start() {
        api = KubeApiServer.shared();
        c = api.admin();
        Homelab.seed(api);
    }

    Settings settings(String image) {
        return Settings.defaults().with(Map.of("context", Homelab.CONTEXT, "state-dir", dir.resolve("state").toString(),
                "kubeconfig", api.kubeconfig(dir, Homelab.CONTEXT, KubeApiServer.ADMIN).toString(), "soak-image", image));
    }

    String apply(Settings s) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = InCluster.render(s, true, InCluster.FABRIC8, new PrintWriter(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.OK, code, out);
        return out;
    }

    List<HasMetadata> objects() {
        return List.of(c.configMaps().inNamespace(Homelab.NS).withName("migrate-soak").get(),
                c.persistentVolumeClaims().inNamespace(Homelab.NS).withName("migrate-soak-journal").get(),
                c.batch().v1().jobs().inNamespace(Homelab.NS).withName("migrate-soak").get());
    }

    @Test
    void applyCreatesTheThreeObjectsByServerSideApplyAndASecondApplyIsANoOp() {
        String first = apply(settings("registry.home.arpa/migrate:0.1.0"));

        assertTrue(first.contains("ConfigMap/monitoring/migrate-soak created"), first);
        assertTrue(first.contains("PersistentVolumeClaim/monitoring/migrate-soak-journal created"), first);
        assertTrue(first.contains("Job/monitoring/migrate-soak created"), first);
        for (HasMetadata o : objects()) {
            assertNotNull(o);
            assertEquals(List.of("migrate/Apply"), o.getMetadata().getManagedFields().stream()
                    .map(m -> m.getManager() + "/" + m.getOperation()).toList(), o.getKind());
        }
        Job job = c.batch().v1().jobs().inNamespace(Homelab.NS).withName("migrate-soak").get();
        assertEquals("OnFailure", job.getSpec().getTemplate().getSpec().getRestartPolicy());
        assertTrue(c.configMaps().inNamespace(Homelab.NS).withName("migrate-soak").get().getData().get("migrate.yaml")
                .contains("context: 'homelab'"));
        List<String> before = objects().stream().map(o -> o.getMetadata().getResourceVersion()).toList();

        String again = apply(settings("registry.home.arpa/migrate:0.1.0"));

        assertTrue(again.contains("ConfigMap/monitoring/migrate-soak unchanged"), again);
        assertTrue(again.contains("kept PersistentVolumeClaim/monitoring/migrate-soak-journal"), again);
        assertTrue(again.contains("Job/monitoring/migrate-soak unchanged"), again);
        assertTrue(again.contains("nothing changed: the soak is already applied with these settings"), again);
        assertEquals(before, objects().stream().map(o -> o.getMetadata().getResourceVersion()).toList(), "nothing written");
    }

    @Test
    void aJournalVolumeThatExistsIsKeptAsItIs() {
        c.persistentVolumeClaims().inNamespace(Homelab.NS).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("migrate-soak-journal").addToLabels("keep", "me").endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new Quantity("1Gi"))
                .endResources().endSpec().build()).create();

        String out = apply(settings("registry.home.arpa/migrate:0.1.0"));

        assertTrue(out.contains("kept PersistentVolumeClaim/monitoring/migrate-soak-journal"), out);
        assertEquals("me", c.persistentVolumeClaims().inNamespace(Homelab.NS).withName("migrate-soak-journal").get()
                .getMetadata().getLabels().get("keep"));
    }

    @Test
    void aJobWithOtherSettingsIsRefusedByTheServerAndNamesTheWayOut() {
        apply(settings("registry.home.arpa/migrate:0.1.0"));
        String rv = c.batch().v1().jobs().inNamespace(Homelab.NS).withName("migrate-soak").get().getMetadata().getResourceVersion();

        UserError e = assertThrows(UserError.class, () -> InCluster.render(settings("registry.home.arpa/migrate:0.2.0"), true,
                InCluster.FABRIC8, new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));

        assertEquals(ExitCodes.REFUSED, e.exitCode());
        assertTrue(e.getMessage().startsWith("Job/monitoring/migrate-soak already exists with other settings"), e.getMessage());
        assertTrue(e.getMessage().contains("(spec.template: field is immutable)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("delete it first (kubectl -n monitoring delete job migrate-soak)"), e.getMessage());
        assertEquals(rv, c.batch().v1().jobs().inNamespace(Homelab.NS).withName("migrate-soak").get().getMetadata()
                .getResourceVersion());
    }
}
