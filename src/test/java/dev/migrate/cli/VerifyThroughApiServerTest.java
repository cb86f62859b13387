package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.cluster.FakeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a context and no endpoint URLs, verify reaches the in-cluster Services through the context's
 * API server (its service proxy) with the context's own credentials. The API server is the
 * kube-apiserver double ({@link FakeApiServer}), not the real one, because a real service proxy
 * reaches only pod IPs: it refuses Endpoints on 127.0.0.1 ("may not be in the loopback range") and
 * these tests may reach nothing else. What the double answers for the proxied Prometheus is
 * /api/v1/targets as Prometheus 2.x shapes it. The real proxy's 503 and 404 are tested in
 * PreflightTest and Fabric8ClusterTest.
 */
class VerifyThroughApiServerTest {
    static final String PROMETHEUS = "prometheus-kube-prometheus-prometheus:9090";
    static final String TARGETS = """
            {"status":"success","data":{"activeTargets":[
              {"discoveredLabels":{},"labels":{"job":"otel-collector","endpoint":"prometheus","namespace":"monitoring",
               "instance":"10.0.1.17:8889"},"scrapePool":"serviceMonitor/monitoring/otel-collector/0",
               "scrapeUrl":"http://10.0.1.17:8889/metrics","globalUrl":"http://10.0.1.17:8889/metrics","lastError":"",
               "lastScrape":"2026-11-27T07:00:00Z","lastScrapeDuration":0.004,"health":"up","scrapeInterval":"15s","scrapeTimeout":"10s"},
              {"discoveredLabels":{},"labels":{"job":"otel-collector","endpoint":"telemetry","namespace":"monitoring",
               "instance":"10.0.1.17:8888"},"scrapePool":"serviceMonitor/monitoring/otel-collector/1",
               "scrapeUrl":"http://10.0.1.17:8888/metrics","globalUrl":"http://10.0.1.17:8888/metrics","lastError":"",
               "lastScrape":"2026-11-27T07:00:00Z","lastScrapeDuration":0.003,"health":"up","scrapeInterval":"15s","scrapeTimeout":"10s"}
            ],"droppedTargets":[]}}
            """;

    @TempDir
    Path dir;
    FakeApiServer api;

    @BeforeEach
    void start() {
        api = new FakeApiServer();
        Homelab.seed(api);
        api.proxy(Homelab.NS, PROMETHEUS, "/api/v1/targets", TARGETS);
        api.clearRequests();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aContextAloneReachesPrometheusThroughTheApiServerWithItsCredentials() throws Exception {
        Path config = Files.writeString(dir.resolve("migrate.yaml"), "");
        CliRun run = CliRun.of("verify", "--only", "scrape-target", "--config", config.toString(),
                "--state-dir", dir.resolve("state").toString(), "--context", Homelab.CONTEXT,
                "--kubeconfig", api.kubeconfig(dir, Homelab.CONTEXT).toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("PASS") && run.out().contains("scrape-target"), run.out());
        var proxied = api.requests().stream()
                .filter(r -> r.path().equals("/api/v1/namespaces/monitoring/services/" + PROMETHEUS + "/proxy/api/v1/targets"))
                .toList();
        assertEquals(1, proxied.size(), api.requests().toString());
        assertEquals("Bearer " + FakeApiServer.TOKEN, proxied.get(0).authorization(), "the context's own token");
        assertFalse(run.out().contains(FakeApiServer.TOKEN) || run.err().contains(FakeApiServer.TOKEN));
    }

    /** The soak on a laptop goes the same way; when it cannot get through, it says where it went. */
    @Test
    void aSoakThatCannotGetThroughTheProxyNamesTheProxyNotADnsName() throws Exception {
        Path config = Files.writeString(dir.resolve("migrate.yaml"), "prometheus-service: nothing-here:9090\n");
        CliRun run = CliRun.of("soak", "--config", config.toString(),
                "--state-dir", dir.resolve("state").toString(), "--context", Homelab.CONTEXT,
                "--kubeconfig", api.kubeconfig(dir, Homelab.CONTEXT).toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("/api/v1/namespaces/monitoring/services/nothing-here:9090/proxy (the API server's service proxy)"
                + " did not answer"), run.err());
        assertTrue(run.err().contains("setting prometheus-service") && run.err().contains("services/proxy"), run.err());
        assertFalse(run.err().contains(".svc"), "the soak never used the in-cluster DNS name: " + run.err());
        assertFalse(java.nio.file.Files.exists(dir.resolve("state/soak")), "nothing started");
    }
}
