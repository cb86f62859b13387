package dev.migrate.cluster;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.ClusterStatus.Collector;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verify's cluster check reads the collector through the real Fabric8Cluster against the real API
 * server with no controllers: the test writes the Deployment's, the Service's and the pods' status
 * itself, because what it checks is a fault on demand: restart counts on the collector's pod and on
 * another app's pod (kwok's stages start containers but never restart them). The same read on real
 * controllers is verify's cluster line in homelab/SeedPlanEndToEndTest ("1/1 ready, 0 restart(s),
 * Service ingress 10.10.30.22").
 */
class CollectorStatusTest {
    @TempDir
    Path tmp;
    KubeApiServer api;
    Cluster cluster;

    @BeforeEach
    void start() throws Exception {
        api = KubeApiServer.shared();
        Homelab.seed(api);
        cluster = ClusterFactory.connect(Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.ADMIN).toString())));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void nothingDeployedYet() {
        Collector c = new CollectorStatus(cluster).collector(Homelab.NS);
        assertFalse(c.deploymentFound());
        assertFalse(c.available());
        assertEquals(Optional.empty(), c.ingressIp());
    }

    @Test
    void rolledOutWithItsVipAndRestartsOfItsOwnPodsOnly() {
        for (ManifestObject o : Homelab.bundle().objects()) {
            cluster.apply(o, false, false);
        }
        Collector pending = new CollectorStatus(cluster).collector(Homelab.NS);
        assertTrue(pending.deploymentFound());
        assertFalse(pending.available(), "no Available condition before the controller reports");

        Homelab.rollOut(api.admin(), "otel-collector");
        Homelab.assignVip(api.admin(), "otel-collector", Homelab.VIP, true);
        pod("otel-collector-abc", "otel-collector", 2);
        pod("loki-0", "loki", 7);

        Collector c = new CollectorStatus(cluster).collector(Homelab.NS);
        assertTrue(c.available());
        assertEquals(1, c.readyReplicas());
        assertEquals(1, c.desiredReplicas());
        assertEquals(2, c.restarts(), "Loki's restarts are not the collector's");
        assertEquals(Optional.of(Homelab.VIP), c.ingressIp());
    }

    private void pod(String name, String app, int restarts) {
        var pods = api.admin().pods().inNamespace(Homelab.NS);
        pods.resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app.kubernetes.io/name", app).endMetadata()
                .withNewSpec().addNewContainer().withName(app).withImage("x:1").endContainer().endSpec().build()).create();
        // what the kubelet reports, through the status subresource (a create ignores status)
        pods.withName(name).editStatus(p -> new PodBuilder(p).withNewStatus().addNewContainerStatus().withName(app).withImage("x:1")
                .withImageID("").withReady(true).withRestartCount(restarts).endContainerStatus().endStatus().build());
    }
}
