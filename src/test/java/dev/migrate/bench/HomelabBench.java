package dev.migrate.bench;

import dev.migrate.bundle.Prepared;
import dev.migrate.cluster.Cluster;
import dev.migrate.cluster.ClusterFactory;
import dev.migrate.deploy.DeployOptions;
import dev.migrate.deploy.DeployResult;
import dev.migrate.deploy.DeployRunner;
import dev.migrate.deploy.Sleeper;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.HomelabWorld;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.migrate.bench.Stats.median;
import static dev.migrate.bench.Stats.ms;

/**
 * Benchmark run by bench/homelab.sh (not a test): start-up of the homelab world and of each of its
 * components, a first deploy on default settings (the real controllers roll it out), then a no-op
 * re-deploy on this world against a baseline measured in the same run: connect plus one GET.
 */
public final class HomelabBench {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path tmp = Files.createTempDirectory("homelab-bench");
        long up = System.nanoTime();
        try (HomelabWorld world = HomelabWorld.start()) {
            System.out.printf("homelab world start-up: %.1f s%n", (System.nanoTime() - up) / 1e9);
            System.out.print(world.startupReport());
            Settings settings = Settings.defaults().with(Map.of("context", HomelabWorld.CONTEXT,
                    "kubeconfig", world.userKubeconfig(tmp).toString(), "state-dir", tmp.resolve("state").toString()));
            DeployOptions options = DeployOptions.defaults();
            long first = System.nanoTime();
            DeployResult r = deploy(settings, options);
            System.out.printf("first deploy on default settings (real rollout, VIP): %8.1f ms  (%s)%n", ms(System.nanoTime() - first),
                    r.summary());
            int mark = world.api().mark();
            deploy(settings, options);
            System.out.printf("API requests of one no-op re-deploy:                 %8d%n", world.api().requestsSince(mark).size());
            List<Double> noop = new ArrayList<>();
            List<Double> baseline = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long b = System.nanoTime();
                try (Cluster c = ClusterFactory.connect(settings)) {
                    c.namespaceExists(HomelabWorld.NS);
                }
                baseline.add(ms(System.nanoTime() - b));
                long s = System.nanoTime();
                DeployResult again = deploy(settings, options);
                noop.add(ms(System.nanoTime() - s));
                if (!again.summary().startsWith("unchanged")) {
                    throw new IllegalStateException("the re-deploy was not a no-op: " + again.summary());
                }
            }
            double n = median(noop);
            double base = median(baseline);
            System.out.printf("no-op re-deploy on the world, median of %d:          %8.1f ms%n", runs, n);
            System.out.printf("baseline: connect + one GET, median of %d:           %8.1f ms%n", runs, base);
            System.out.printf("ratio no-op re-deploy / baseline:                    %8.1fx%n", n / base);
        } finally {
            try (var walk = Files.walk(tmp)) {
                walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static DeployResult deploy(Settings settings, DeployOptions options) {
        try (Cluster cluster = ClusterFactory.connect(settings)) {
            DeployResult r = new DeployRunner(Clock.systemUTC(), Sleeper.SYSTEM, dev.migrate.io.ProgressSink.NONE)
                    .run(settings, Prepared.of(settings).bundle(), options, cluster);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("deploy failed: " + r.summary());
            }
            return r;
        }
    }
}
