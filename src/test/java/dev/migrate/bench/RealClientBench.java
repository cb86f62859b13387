package dev.migrate.bench;

import dev.migrate.testsupport.AnthropicApiDouble;
import dev.migrate.testsupport.RealClaudeCode;
import dev.migrate.testsupport.RealClaudeCode.Run;
import dev.migrate.testsupport.RealClientWorld;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/real-client.sh: the real Claude Code client's round trip — `claude -p` exits, then its cost is
 * visible in Prometheus 3 (real collector, 1 s scrape) — beside the synthetic probe's round trip in the
 * same run, and the client's cold start (process start to its first request at the API double).
 * Prints, asserts nothing.
 */
public final class RealClientBench {
    private static final Pattern SESSION = Pattern.compile("\"session_id\"\\s*:\\s*\"([^\"]+)\"");

    private RealClientBench() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        try (RealClientWorld world = new RealClientWorld()) {
            RealClaudeCode user = world.user("bench", "grpc");
            List<Long> trips = new ArrayList<>();
            List<Long> coldStarts = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String marker = "bench" + i;
                world.api.script(marker, AnthropicApiDouble.text("ok"));
                Run run = user.prompt("Hello [[" + marker + "]]", "--model", "claude-sonnet-4-5", "--output-format", "json").ok();
                long exited = System.nanoTime();
                Matcher m = SESSION.matcher(run.out());
                if (!m.find()) {
                    throw new IllegalStateException("no session_id in " + run.out());
                }
                world.prometheus.awaitQuery("claude_code_cost_usage_USD_total{session_id=\"" + m.group(1) + "\"} > 0",
                        Duration.ofSeconds(60));
                trips.add(Duration.ofNanos(System.nanoTime() - exited).toMillis());
                coldStarts.add(Duration.between(run.started(), world.api.requests(marker).get(0).at()).toMillis());
            }
            List<Long> probes = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                probes.add(RealPipelineBench.probeRoundTripMs(world.collector.grpcEndpoint(), world.prometheus));
            }
            System.out.printf("real Claude Code client %s, %d sessions, %d cores; client export interval 1 s (the tests'),"
                    + " Prometheus scrape 1 s%n", dev.migrate.testsupport.RealComponents.version("claude_code"), sessions,
                    Runtime.getRuntime().availableProcessors());
            line("claude -p exits -> its cost in Prometheus 3", trips);
            line("synthetic probe sent -> in Prometheus 3 (baseline)", probes);
            System.out.printf("  ratio of the medians (client / probe): %.2f%n", median(trips) / (double) median(probes));
            line("client cold start (process start -> first API request)", coldStarts);
        }
    }

    private static void line(String what, List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf("  %-58s median %5d ms, p95 %5d ms (min %d, max %d)%n", what, median(s),
                s.get((int) Math.ceil(s.size() * 0.95) - 1), s.get(0), s.get(s.size() - 1));
    }

    private static long median(List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
