package dev.migrate.cluster.preflight;

import com.sun.net.httpserver.HttpServer;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.cluster.Homelab;
import dev.migrate.cluster.RulesReview;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.KubeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rbac check where a SelfSubjectRulesReview is incomplete: a real kube-apiserver 1.35 run with
 * {@code --authorization-mode=RBAC,Webhook}. The webhook authorizer cannot list rules, so the server
 * marks every rules review incomplete ("webhook authorizer does not support user rule resolution"),
 * as it does on a homelab with an external authorizer. The webhook is this test's small HTTP
 * server (what such an authorizer answers is up to its owner): it allows homelab-restricted the one
 * verb RBAC does not give it, patch on servicemonitors. The check must then ask an access review for
 * exactly the verbs the rules do not list and pass; trusting the incomplete list would deny.
 */
class RbacRulesReviewTest {
    @TempDir
    static Path tmp;
    static HttpServer webhook;
    static KubeApiServer api;

    @BeforeAll
    static void start() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/authorize", exchange -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> review = Json.MAPPER.readValue(exchange.getRequestBody(), Map.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) review.get("spec");
            @SuppressWarnings("unchecked")
            Map<String, Object> attrs = (Map<String, Object>) spec.getOrDefault("resourceAttributes", Map.of());
            boolean allowed = KubeApiServer.RESTRICTED.equals(spec.get("user")) && "patch".equals(attrs.get("verb"))
                    && "servicemonitors".equals(attrs.get("resource")) && "monitoring".equals(attrs.get("namespace"));
            byte[] body = Json.MAPPER.writeValueAsBytes(Map.of("apiVersion", "authorization.k8s.io/v1",
                    "kind", "SubjectAccessReview", "status", Map.of("allowed", allowed)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        webhook.start();
        Path config = tmp.resolve("authz-webhook.kubeconfig");
        Files.writeString(config, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: authz
                  cluster: {server: "http://127.0.0.1:%d/authorize"}
                users:
                - name: apiserver
                contexts:
                - name: authz
                  context: {cluster: authz, user: apiserver}
                current-context: authz
                """.formatted(webhook.getAddress().getPort()), StandardCharsets.UTF_8);
        api = KubeApiServer.startOwn(List.of("--authorization-mode=Webhook", // appended to the harness's RBAC: RBAC,Webhook
                "--authorization-webhook-config-file=" + config, "--authorization-webhook-version=v1"));
        Homelab.seed(api);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    CheckResult rbacAs(String user) {
        Settings s = Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, user).toString()));
        try (Cluster cluster = ClusterFactory.connect(s)) {
            return new Preflight(List.of(new RbacCheck())).run(new PreflightContext(s, Homelab.bundle(), cluster,
                    () -> "", "unused"), Set.of()).get(0);
        }
    }

    @Test
    void anIncompleteRulesReviewIsCompletedByAccessReviewsForTheVerbsItDoesNotList() {
        int mark = api.mark();
        CheckResult restricted = rbacAs(KubeApiServer.RESTRICTED);

        List<KubeApiServer.Request> sent = api.requestsSince(mark);
        assertEquals(Status.PASS, restricted.status(), restricted.toString());
        assertTrue(restricted.observed().contains("allowed: 15 of 15"), restricted.observed());
        assertTrue(restricted.observed().contains("1 SelfSubjectAccessReview(s) where it was incomplete"), restricted.observed());
        assertEquals(1, sent.stream().filter(r -> r.uri().endsWith("/selfsubjectrulesreviews")).count(), sent.toString());
        assertEquals(1, sent.stream().filter(r -> r.uri().endsWith("/selfsubjectaccessreviews")).count(),
                "an access review for patch servicemonitors only: " + sent);
    }

    @Test
    void theServerSaysTheReviewIsIncomplete() {
        Settings s = Settings.defaults().with(Map.of("context", Homelab.CONTEXT,
                "kubeconfig", api.kubeconfig(tmp, Homelab.CONTEXT, KubeApiServer.OPERATOR).toString()));
        try (Cluster cluster = ClusterFactory.connect(s)) {
            RulesReview review = cluster.rulesReview(Homelab.NS);
            assertTrue(review.incomplete(), review.toString());
            assertEquals(RulesReview.Answer.ALLOWED, review.answer("patch", "apps", "deployments"), "a listed rule still holds");
            assertEquals(RulesReview.Answer.ASK, review.answer("delete", "apps", "deployments"), "an unlisted verb may be allowed");
        }
    }
}
