package dev.migrate.deploy;

import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.testsupport.KubeApiServer;
import dev.migrate.cluster.Homelab;
import dev.migrate.settings.Settings;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Benchmark run by bench/deploy-noop.sh (not a test): wall time of a no-op re-deploy (connect,
 * preflight, server-side apply of every object, rollout and VIP checks, ledger record) against the
 * real kube-apiserver + etcd on loopback (KubeApiServer, as homelab-operator), as medians, with a baseline measured in the same run: connect
 * plus one GET, i.e. the floor any cluster command pays.
 */
public final class DeployNoopBench {
    private static DeployOptions options;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path tmp = Files.createTempDirectory("deploy-noop-bench");
        // Loki stays a double (AGPL); the real service proxy will not reach 127.0.0.1, so deploy reads it at --loki-url.
        dev.migrate.testsupport.LokiDouble loki = new dev.migrate.testsupport.LokiDouble().config(Homelab.LOKI_CONFIG);
        options = new DeployOptions(false, false, DeployOptions.defaults().timeout(), java.util.Set.of(),
                java.util.Optional.of(java.net.URI.create(loki.url())));
        try {
            long up = System.nanoTime();
            KubeApiServer api = KubeApiServer.shared();
            double startup = ms(System.nanoTime() - up);
            Homelab.seed(api);
            Settings settings = Homelab.settings(api, tmp, KubeApiServer.OPERATOR);
            FakeTime time = new FakeTime().onSleep(() -> {
                Homelab.rollOut(api.admin(), "otel-collector");
                if (api.admin().leases().inNamespace("kube-system").withName("cilium-l2announce-monitoring-otel-collector").get() == null) {
                    Homelab.assignVip(api.admin(), "otel-collector", Homelab.VIP, true);
                }
            });
            System.out.printf("harness start-up (certs, etcd, kube-apiserver %s, CRDs, RBAC): %8.1f ms%n", api.version(), startup);
            long firstStart = System.nanoTime();
            deploy(settings, time);
            double first = ms(System.nanoTime() - firstStart);
            // An object migrate changed within the last 2 s is read before its apply (the server's stamps have
            // second precision, AppliedVersion.SETTLE); an operator's re-deploy comes later than that.
            Thread.sleep(AppliedVersion.SETTLE.toMillis() + 100);

            int mark = api.mark();
            long coldStart = System.nanoTime();
            DeployResult cold = deploy(settings, time);
            double coldMs = ms(System.nanoTime() - coldStart);
            List<KubeApiServer.Request> sent = api.requestsSince(mark);
            int requests = sent.size();
            long rulesReviews = sent.stream().filter(r -> r.uri().endsWith("/selfsubjectrulesreviews")).count();
            long writes = sent.stream().filter(r -> r.verb().equals("patch")).count();
            long reads = sent.size() - writes - rulesReviews - sent.stream().filter(r -> r.uri().endsWith("/selfsubjectaccessreviews")).count();
            long accessReviews = sent.stream().filter(r -> r.uri().endsWith("/selfsubjectaccessreviews")).count();
            if (!cold.summary().startsWith("unchanged")) {
                throw new IllegalStateException("the re-deploy was not a no-op: " + cold.summary());
            }

            List<Double> noop = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long b = System.nanoTime();
                try (Cluster c = ClusterFactory.connect(settings)) {
                    c.namespaceExists(Homelab.NS);
                }
                baseline.add(ms(System.nanoTime() - b));
                long s = System.nanoTime();
                deploy(settings, time);
                noop.add(ms(System.nanoTime() - s));
            }
            double noopMedian = median(noop);
            double baseMedian = median(baseline);
            System.out.printf("first deploy (creates 6 objects, cold JVM):        %8.1f ms%n", first);
            System.out.printf("first no-op re-deploy (JVM still warming):         %8.1f ms  (%d API requests)%n", coldMs, requests);
            System.out.printf("no-op re-deploy, median of %d:                     %8.1f ms%n", runs, noopMedian);
            System.out.printf("baseline: connect + one GET, median of %d:         %8.1f ms%n", runs, baseMedian);
            double ratio = noopMedian / baseMedian;
            System.out.printf("ratio no-op re-deploy / baseline:                  %8.1fx   goal 2x: %s%n", ratio,
                    ratio <= 2 ? "met" : String.format("missed by %.1fx", ratio / 2));
            System.out.printf("API requests of a no-op re-deploy:                 %8d    goal 10: %s  (%d reads, %d server-side"
                    + " applies, %d SelfSubjectRulesReview, %d SelfSubjectAccessReview)%n", requests,
                    requests <= 10 ? "met" : "missed by " + (requests - 10), reads, writes, rulesReviews, accessReviews);
            sent.forEach(r -> System.out.printf("    %-6s %s%n", r.verb(), r.uri().replaceAll("\\?.*", "")));
        } finally {
            loki.close();
            try (var walk = Files.walk(tmp)) {
                walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static DeployResult deploy(Settings settings, FakeTime time) {
        try (Cluster cluster = ClusterFactory.connect(settings)) {
            DeployResult r = new DeployRunner(time, time, dev.migrate.io.ProgressSink.NONE).run(settings, Homelab.bundle(), options, cluster);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("deploy failed: " + r.summary());
            }
            return r;
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
