package dev.migrate.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus (Debian package, /usr/bin/prometheus 2.42) on 127.0.0.1, random port, temp
 * TSDB, remote-write receiver on. The config text may use {@code ${DIR}} for the temp directory,
 * where {@code files} (rule files ...) are written before start.
 *
 * <pre>
 * try (var prom = PrometheusProcess.start(config, Map.of("rules.yml", rules))) {
 *     prom.awaitQuery("up{job=\"otel-collector\"} == 1", Duration.ofSeconds(20));
 * }
 * </pre>
 */
public final class PrometheusProcess extends ManagedProcess {
    public static final String BINARY = "/usr/bin/prometheus";

    private PrometheusProcess(Path dir, int port, List<String> args) {
        super(BINARY, "apt-get install -y prometheus", dir, port, args);
    }

    /** A scrape config for one job on a loopback target, scraped every second. */
    public static String scrapeConfig(String job, String target, String... ruleFiles) {
        StringBuilder sb = new StringBuilder("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n");
        if (ruleFiles.length > 0) {
            sb.append("rule_files:\n");
            for (String f : ruleFiles) {
                sb.append("  - ${DIR}/").append(f).append('\n');
            }
        }
        sb.append("scrape_configs:\n  - job_name: ").append(job).append("\n    static_configs:\n")
                .append("      - targets: ['").append(target).append("']\n");
        return sb.toString();
    }

    public static PrometheusProcess start(String config, Map<String, String> files, String... extraArgs) {
        Path dir = tempDir("prometheus-test");
        files.forEach((name, text) -> write(dir.resolve(name), text));
        write(dir.resolve("prometheus.yml"), config.replace("${DIR}", dir.toString()));
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken between probe and bind
            int port = freePort();
            List<String> args = new ArrayList<>(List.of(
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--web.enable-remote-write-receiver",
                    "--web.enable-lifecycle"));
            args.addAll(List.of(extraArgs));
            PrometheusProcess p = new PrometheusProcess(dir, port, args);
            try {
                p.awaitReady(Duration.ofSeconds(20));
                return p;
            } catch (AssertionError e) {
                last = e;
                p.stopOnly();
            }
        }
        throw last;
    }

    /** Waits until an instant query returns at least one sample (e.g. a target scraped, a rule loaded). */
    public void awaitQuery(String promql, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String encoded = java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8);
        while (System.nanoTime() < deadline) {
            String body = get("/api/v1/query?query=" + encoded);
            if (body.contains("\"result\":[{")) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("no result for " + promql + " within " + limit + ":\n" + logText());
    }

    /** GET a path and return the body ("" when it does not answer). */
    public String get(String path) {
        try (var in = java.net.URI.create(url() + path).toURL().openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void stopOnly() {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
}
