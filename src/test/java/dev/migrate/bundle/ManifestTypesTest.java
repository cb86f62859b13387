package dev.migrate.bundle;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rendered objects read as the Kubernetes API types the cluster step will apply (fabric8's
 * model, the same field types the API server validates: integers, quantities, int-or-string
 * ports), so a template typo such as a quoted replica count shows up here, offline.
 */
class ManifestTypesTest {
    /** Strict like the API server: "1" is not an integer. */
    private static final ObjectMapper STRICT = JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();

    private static <T> T as(ManifestObject o, Class<T> type) {
        return STRICT.convertValue(o.body(), type);
    }

    @Test
    void aQuotedReplicaCountIsCaught() {
        ManifestObject broken = TestBundles.withObject("Deployment", d -> ((ObjectNode) d.get("spec")).put("replicas", "1"))
                .objects().get(1);
        assertThrows(IllegalArgumentException.class, () -> as(broken, Deployment.class));
    }

    @Test
    void coreObjectsAreWellTypedKubernetesObjects() {
        List<ManifestObject> objects = TestBundles.defaults().objects();
        ConfigMap config = as(objects.get(0), ConfigMap.class);
        assertTrue(config.getData().get(BundleRenderer.COLLECTOR_CONFIG_KEY).contains("memory_limiter"));

        Deployment deployment = as(objects.get(1), Deployment.class);
        assertEquals(1, deployment.getSpec().getReplicas());
        Container c = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(new Quantity("1Gi"), c.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("100m"), c.getResources().getRequests().get("cpu"));
        assertEquals(10001L, c.getSecurityContext().getRunAsUser());
        assertEquals("health", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
        assertEquals(List.of(4317, 4318, 8889, 8888, 13133), c.getPorts().stream().map(p -> p.getContainerPort()).toList());
        assertEquals("otel-collector-config", deployment.getSpec().getTemplate().getSpec().getVolumes().get(0).getConfigMap().getName());

        Service service = as(objects.get(2), Service.class);
        assertEquals("LoadBalancer", service.getSpec().getType());
        assertEquals(List.of(4317, 4318, 8889, 8888), service.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
        assertEquals("prometheus", service.getSpec().getPorts().get(2).getTargetPort().getStrVal());

        for (ManifestObject o : objects.subList(3, 5)) {
            GenericKubernetesResource custom = as(o, GenericKubernetesResource.class);
            assertEquals("monitoring.coreos.com/v1", custom.getApiVersion());
            assertEquals(o.name(), custom.getMetadata().getName());
        }
        assertEquals("1", as(objects.get(5), ConfigMap.class).getMetadata().getLabels().get("grafana_dashboard"));
    }
}
