package dev.migrate.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus on 127.0.0.1, random port, temp TSDB, remote-write receiver on. By default
 * Prometheus 3 as the homelab's kube-prometheus-stack runs it (built by scripts/real-components,
 * version pinned there); {@link #startDebian} starts Debian's 2.42 (/usr/bin/prometheus) for the
 * few tests that are about old versions. The config text may use {@code ${DIR}} for the temp
 * directory, where {@code files} (rule files ...) are written before start.
 *
 * <pre>
 * try (var prom = PrometheusProcess.start(config, Map.of("rules.yml", rules))) {
 *     prom.awaitQuery("up{job=\"otel-collector\"} == 1", Duration.ofSeconds(20));
 * }
 * </pre>
 */
public final class PrometheusProcess extends ManagedProcess {
    /** Debian's package (2.42): only for tests about old Prometheus versions. */
    public static final String DEBIAN_BINARY = "/usr/bin/prometheus";

    private final String version;
    private final String binary;
    private final String hint;
    private final List<String> args;

    private PrometheusProcess(String binary, String hint, String version, Path dir, int port, List<String> args) {
        super(binary, hint, dir, port, args);
        this.version = version;
        this.binary = binary;
        this.hint = hint;
        this.args = List.copyOf(args);
    }

    /** "3.10.0" (the pinned build) or "2.42 (Debian)". */
    public String version() {
        return version;
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

    /** Prometheus 3 (the homelab's major version), built by scripts/real-components. */
    public static PrometheusProcess start(String config, Map<String, String> files, String... extraArgs) {
        return start(RealComponents.binary("prometheus", "prometheus").toString(), "run scripts/real-components",
                RealComponents.version("prometheus"), config, files, extraArgs);
    }

    /** Debian's Prometheus 2.42, for tests that compare the old range semantics with Prometheus 3's. */
    public static PrometheusProcess startDebian(String config, Map<String, String> files, String... extraArgs) {
        return start(DEBIAN_BINARY, "install it with apt-get install -y prometheus (scripts/install-test-deps.sh does this)",
                "2.42 (Debian)", config, files, extraArgs);
    }

    private static PrometheusProcess start(String binary, String hint, String version, String config,
                                           Map<String, String> files, String... extraArgs) {
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
            PrometheusProcess p = new PrometheusProcess(binary, hint, version, dir, port, args);
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

    /** The result array of an instant query (data.result); fails with Prometheus' answer when it is not a success. */
    public com.fasterxml.jackson.databind.JsonNode query(String promql) {
        return query(this, promql);
    }

    /** {@link #query(String)} on any Prometheus server process (e.g. the homelab world's, on the operator's config). */
    public static com.fasterxml.jackson.databind.JsonNode query(ManagedProcess prometheus, String promql) {
        String body = prometheus.get("/api/v1/query?query=" + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8));
        try {
            com.fasterxml.jackson.databind.JsonNode doc = dev.migrate.Json.MAPPER.readTree(body);
            if (!"success".equals(doc.path("status").asText())) {
                throw new AssertionError(promql + ": " + body);
            }
            return doc.at("/data/result");
        } catch (java.io.IOException e) {
            throw new AssertionError(promql + ": not JSON: " + body, e);
        }
    }

    /** The value of a query with one result (e.g. a sum), or null when it has none. */
    public Double value(String promql) {
        com.fasterxml.jackson.databind.JsonNode r = query(promql);
        if (r.isEmpty()) {
            return null;
        }
        if (r.size() > 1) {
            throw new AssertionError(promql + " has " + r.size() + " results: " + r);
        }
        return Double.valueOf(r.get(0).at("/value/1").asText());
    }

    /** Waits until a query's single value equals {@code expected}; fails with the last value seen. */
    public void awaitValue(String promql, double expected, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        Double last = null;
        while (System.nanoTime() < deadline) {
            last = value(promql);
            if (last != null && Math.abs(last - expected) < 1e-9) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError(promql + " read " + last + ", not " + expected + ", within " + limit);
    }

    /**
     * Waits until the rule group {@code group} has been evaluated after this call began, so that what it records
     * covers every sample scraped before; returns at once when no such group is loaded.
     */
    public void awaitGroupEvaluated(String group, Duration limit) {
        awaitGroupEvaluated(group, Duration.ZERO, limit);
    }

    /** The same for a group with a query_offset: waits for the evaluation that reads the window ending now. */
    public void awaitGroupEvaluated(String group, Duration queryOffset, Duration limit) {
        awaitGroupEvaluated(this, group, queryOffset, limit);
    }

    /** The same on any Prometheus process (e.g. the homelab world's, on the operator's rule files). */
    public static void awaitGroupEvaluated(ManagedProcess prometheus, String group, Duration queryOffset, Duration limit) {
        java.time.Instant since = java.time.Instant.now().plus(queryOffset);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            java.time.Instant last = null;
            try {
                for (com.fasterxml.jackson.databind.JsonNode g : dev.migrate.Json.MAPPER.readTree(prometheus.get("/api/v1/rules"))
                        .at("/data/groups")) {
                    if (g.path("name").asText().equals(group)) {
                        last = java.time.Instant.parse(g.path("lastEvaluation").asText());
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError("/api/v1/rules: not JSON", e);
            }
            if (last == null && !prometheus.get("/api/v1/rules").contains("\"name\":\"" + group + "\"")) {
                return;
            }
            if (last != null && last.isAfter(since)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rule group " + group + " not evaluated since " + since + " within " + limit
                        + " (last " + last + "):\n" + prometheus.logText());
            }
            sleep(100);
        }
    }

    /** Starts Prometheus again, after {@link #stopProcess()}, on the same port, config, flags and TSDB. */
    public PrometheusProcess restart() {
        PrometheusProcess p = new PrometheusProcess(binary, hint, version, dir(), port(), args);
        p.awaitReady(Duration.ofSeconds(30));
        return p;
    }

    private void stopOnly() {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
}
