package dev.migrate.testsupport;

import dev.migrate.testsupport.FakeHttpServer.Reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The homelab pipeline on loopback with the real Claude Code client in front of it: an
 * {@link AnthropicApiDouble} the clients talk to, the real collector on the config deploy renders
 * (logs into the {@link LokiDouble}), a real Prometheus 3 scraping it as the ServiceMonitor does with
 * the rendered PrometheusRule loaded (its alerts evaluated there), and a Grafana double serving the rendered
 * dashboard (Loki and Grafana are AGPL: doubles). Nothing is sent until a test runs sessions with
 * {@link #user}.
 */
public final class RealClientWorld implements AutoCloseable {
    public final AnthropicApiDouble api = new AnthropicApiDouble();
    public final LokiDouble loki = new LokiDouble();
    /** Replaced by {@link #restartCollector()}: read it after a restart, not before. */
    public volatile CollectorProcess collector;
    public final PrometheusProcess prometheus;
    public final FakeHttpServer grafana = FakeHttpServer.start();
    private final List<RealClaudeCode> users = new ArrayList<>();

    public RealClientWorld() {
        RealClaudeCode.requirePrivateNetwork();
        RealComponents.claudeCode(); // a missing client fails here, before any server starts
        collector = CollectorProcess.startBundle(loki.url() + "/otlp");
        try {
            String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    + "rule_files:\n  - ${DIR}/rules.yml\nscrape_configs:\n" + PipelineWorld.collectorJob(collector);
            prometheus = PrometheusProcess.start(config, Map.of("rules.yml", PipelineWorld.RULES));
        } catch (RuntimeException | AssertionError e) {
            // a half-started world leaves no process behind
            collector.close();
            loki.close();
            grafana.close();
            api.close();
            throw e;
        }
        grafana.on("/api/dashboards/uid/claude-code", Reply.json("{\"dashboard\":" + Rendered.bundle().dashboardJson()
                        + ",\"meta\":{\"slug\":\"claude-code\",\"folderTitle\":\"Claude Code\"}}"))
                .on("/api/datasources/uid/prometheus", Reply.json("{\"id\":1,\"uid\":\"prometheus\",\"name\":\"Prometheus\","
                        + "\"type\":\"prometheus\",\"url\":\"http://prometheus-kube-prometheus-prometheus.monitoring:9090/\"}"))
                .on("/api/datasources/uid/loki", Reply.json("{\"id\":2,\"uid\":\"loki\",\"name\":\"Loki\",\"type\":\"loki\","
                        + "\"url\":\"http://loki.monitoring:3100\"}"));
        prometheus.awaitQuery("up{job=\"otel-collector\"} == 1", Duration.ofSeconds(30));
    }

    /** The collector's OTLP endpoint for {@code protocol} (grpc or http/protobuf), as a client sets it. */
    public String endpoint(String protocol) {
        return "grpc".equals(protocol) ? collector.grpcEndpoint() : collector.httpEndpoint();
    }

    /** A new person (own HOME, so own user.id) on {@code machine} (null: no OTEL_RESOURCE_ATTRIBUTES). */
    public RealClaudeCode user(String machine, String protocol) {
        RealClaudeCode u = RealClaudeCode.user(api, endpoint(protocol), protocol, machine);
        synchronized (users) {
            users.add(u);
        }
        return u;
    }

    /** Kills the collector at once (SIGKILL, as an OOM kill would); its ports stay the clients' endpoints. */
    public void killCollector() {
        collector.kill();
    }

    /** Starts the collector again on the same ports; what it held in memory is gone, as in a restarted pod. */
    public void restartCollector() {
        collector = collector.restart();
    }

    /** Waits until the Loki double holds {@code count} records of {@code event}. */
    public void awaitEvents(String event, int count, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (events(event).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Loki double holds " + events(event).size() + " " + event + " events, not "
                        + count + ", after " + limit);
            }
            ManagedProcess.sleep(200);
        }
    }

    /** The stored records of one event (structured metadata as Loki keeps it). */
    public List<LokiDouble.Line> events(String event) {
        return loki.lines().stream().filter(l -> event.equals(l.metadata().get("event_name"))).toList();
    }

    @Override
    public void close() {
        synchronized (users) {
            users.forEach(RealClaudeCode::delete);
        }
        prometheus.close();
        collector.close();
        loki.close();
        grafana.close();
        api.close();
    }
}
