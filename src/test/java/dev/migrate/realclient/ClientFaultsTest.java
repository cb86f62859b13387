package dev.migrate.realclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.testsupport.CliRun;
import dev.migrate.pipeline.CollectorBehaviourTest;
import dev.migrate.testsupport.DashboardPanels;
import dev.migrate.testsupport.PrometheusProcess;
import dev.migrate.testsupport.RealChain;
import dev.migrate.testsupport.RealClaudeCode;
import dev.migrate.testsupport.RealClaudeCode.Run;
import dev.migrate.testsupport.RealClientWorld;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.migrate.testsupport.AnthropicApiDouble.text;
import static dev.migrate.testsupport.AnthropicApiDouble.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the real Claude Code client 2.1.328 loses when the collector is not there, and what the dashboard
 * and {@code migrate verify} then say: the real client against the Anthropic API double, the bundle's
 * real collector (killed with SIGKILL and started again on the same ports, as a restarted pod behind its
 * Service) and a real Prometheus 3. Each test uses its own machine name, so their numbers do not mix.
 */
class ClientFaultsTest {
    static RealClientWorld world;
    static DashboardPanels panels;
    static Path state;

    @BeforeAll
    static void start() throws Exception {
        state = Files.createTempDirectory("client-faults");
        world = new RealClientWorld();
        panels = new DashboardPanels(Rendered.bundle().dashboardJson(), world.prometheus, world.loki);
        world.api.script("long", tool("Bash", "{\"command\":\"true\",\"description\":\"nothing\"}"),
                tool("Bash", "{\"command\":\"sleep 8\",\"description\":\"wait\"}"), text("Done."));
        world.api.script("spread", tool("Bash", "{\"command\":\"true\",\"description\":\"nothing\"}"),
                tool("Bash", "{\"command\":\"sleep 3\",\"description\":\"wait\"}"), text("Done."));
    }

    @AfterAll
    static void stop() throws Exception {
        if (world != null) {
            world.close();
        }
        try (var walk = Files.walk(state)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static JsonNode result(Run run) throws Exception {
        return Json.MAPPER.readTree(run.out());
    }

    /** Sum of cost_usd of the api_request events the Loki double holds for one session. */
    static double eventCost(String session) {
        return world.events("api_request").stream().filter(l -> session.equals(l.metadata().get("session_id")))
                .mapToDouble(l -> Double.parseDouble(l.metadata().get("cost_usd"))).sum();
    }

    static Map<String, JsonNode> verify(String name, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--state-dir", state.resolve(name).toString(), "-o", "json",
                "--since", "10m", "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                "--grafana-url", world.grafana.url(), "--otlp-grpc-endpoint", world.collector.grpcEndpoint(),
                "--otlp-http-endpoint", world.collector.httpEndpoint()));
        args.addAll(List.of(more));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        Map<String, JsonNode> results = new LinkedHashMap<>();
        Json.MAPPER.readTree(run.out()).path("results").forEach(r -> results.put(r.path("name").asText(), r));
        return results;
    }

    static void awaitRequests(String machine, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (world.events("api_request").stream().filter(l -> machine.equals(l.metadata().get("machine_name"))).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " api_request events from " + machine + " in the Loki double");
            }
            Thread.sleep(200);
        }
    }

    static double costOfMachine(String machine) {
        return panels.awaitRecorded().by("Cost by machine", "machine_name").getOrDefault(machine, 0.0);
    }

    /**
     * A session run while the collector is down is lost whole: the client keeps no telemetry across its
     * exit (its metrics and events live in the process, and the exports it tried failed), so neither its
     * cost nor its session nor its events ever arrive, also after the collector is back. The dashboard
     * shows only the session after the outage; verify says the collector is down while it is, and
     * afterwards lists the machine by its later session.
     */
    @Test
    void aSessionDuringAnOutageIsLostAndTheNextOneCounts() throws Exception {
        RealClaudeCode u = world.user("outage-box", "grpc");
        world.killCollector();
        Run lost;
        Map<String, JsonNode> during;
        try {
            lost = u.prompt("hello during the outage", "--output-format", "json").ok();
            world.prometheus.awaitQuery("up{job=\"otel-collector\"} == 0", Duration.ofSeconds(30));
            during = verify("during");
        } finally {
            world.restartCollector();
        }
        world.prometheus.awaitQuery("up{job=\"otel-collector\"} == 1", Duration.ofSeconds(30));
        Run kept = u.prompt("hello after the outage", "--output-format", "json").ok();
        System.out.printf("collector down: the client's session took %d ms (after the outage: %d ms)%n",
                lost.took().toMillis(), kept.took().toMillis());
        double lostCost = result(lost).path("total_cost_usd").asDouble();
        double keptCost = result(kept).path("total_cost_usd").asDouble();
        assertTrue(lostCost > 0 && keptCost > 0, lost.out() + kept.out());
        String lostSession = result(lost).path("session_id").asText();
        String keptSession = result(kept).path("session_id").asText();

        world.prometheus.awaitValue("round(sum(claude_code_cost_usage_USD_total{machine_name=\"outage-box\"}) * 1e9)",
                Math.round(keptCost * 1e9), Duration.ofSeconds(30));
        // a few more export intervals: nothing of the lost session comes late
        Thread.sleep(3000);
        assertEquals(0, world.prometheus.query("claude_code_cost_usage_USD_total{session_id=\"" + lostSession + "\"}").size());
        assertEquals(0, world.prometheus.query("claude_code_session_count_total{session_id=\"" + lostSession + "\"}").size());
        assertTrue(world.loki.lines().stream().noneMatch(l -> lostSession.equals(l.metadata().get("session_id"))),
                "events of the session run during the outage reached Loki");
        assertEquals(keptCost, costOfMachine("outage-box"), 1e-9, "Cost by machine shows the later session only");
        assertEquals(keptCost, eventCost(keptSession), 1e-9);

        // verify while the collector was down: the probe and the scrape name it
        assertEquals("fail", during.get("synthetic-round-trip").path("status").asText(), during.get("synthetic-round-trip").toString());
        assertEquals("fail", during.get("scrape-target").path("status").asText(), during.get("scrape-target").toString());
        // verify afterwards: the machine reports again (the lost session is invisible to it, as to the dashboard)
        JsonNode clients = verify("after").get("clients");
        assertTrue(clients.path("observed").asText().contains("outage-box:"), clients.toString());
    }

    /**
     * The collector restarted while a session of three requests runs (killed after the first two were
     * exported and scraped, back during the third's tool call). The client's exports are deltas; the
     * restarted collector's deltatocumulative starts from zero, so the cost counter of that session
     * restarts at the third request's cost: Prometheus sees a counter reset. Events are not lost (each
     * was exported before the kill or after the restart), and the panel, which reads the recorded increments,
     * shows the whole session's cost.
     */
    @Test
    void aCollectorRestartInTheMiddleOfASession() throws Exception {
        RealClaudeCode u = world.user("restart-box", "grpc");
        CompletableFuture<Run> session = CompletableFuture.supplyAsync(() ->
                u.prompt("work [[long]]", "--output-format", "json", "--dangerously-skip-permissions"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (world.api.requests("long").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(2, world.api.requests("long").size(), "the session's second request never came");
        // the first two requests' cost exported (1 s interval) and scraped (1 s) before the kill
        awaitRequests("restart-box", 2);
        String sessionId = world.events("api_request").stream().filter(l -> "restart-box".equals(l.metadata().get("machine_name")))
                .findFirst().orElseThrow().metadata().get("session_id");
        double twoRequests = eventCost(sessionId);
        world.prometheus.awaitValue("round(sum(claude_code_cost_usage_USD_total{session_id=\"" + sessionId + "\"}) * 1e9)",
                Math.round(twoRequests * 1e9), Duration.ofSeconds(20));
        world.killCollector();
        Thread.sleep(1500);
        world.restartCollector();
        Run run = session.get();
        run.ok();
        double total = result(run).path("total_cost_usd").asDouble();
        assertEquals(sessionId, result(run).path("session_id").asText());
        awaitRequests("restart-box", 3);
        assertEquals(total, eventCost(sessionId), 1e-9, "every api_request event arrived: Loki's cost is the whole session's");
        double third = total - twoRequests;
        world.prometheus.awaitValue("round(sum(claude_code_cost_usage_USD_total{session_id=\"" + sessionId + "\"}) * 1e9)",
                Math.round(third * 1e9), Duration.ofSeconds(30));
        world.prometheus.awaitValue("sum(resets(claude_code_cost_usage_USD_total{session_id=\"" + sessionId + "\"}[10m]))", 1,
                Duration.ofSeconds(10));
        double shown = costOfMachine("restart-box");
        System.out.printf("collector restart mid-session: client total %.6f, api_request events %.6f, before the kill %.6f,"
                + " after %.6f, Cost by machine shows %.6f%n", total, eventCost(sessionId), twoRequests, third, shown);
        // the recorded increments count the growth on both sides of the reset: the client's own total (the raw
        // expression the panel read before took the larger side of the reset only)
        assertEquals(total, shown, 1e-9);
        String raw = dev.migrate.testsupport.RawPanels.raw(panels.target("Cost by machine", 0).expr());
        assertEquals(Math.max(twoRequests, third), panels.by(new DashboardPanels.Target("raw", "bargauge", "prometheus", raw),
                "machine_name").get("restart-box"), 1e-9);
    }

    /**
     * Why the bundle's collector has deltatocumulative: the real client's delta points never chain (each
     * starts at its interval's first measurement), and the prometheus exporter adds a point to a series'
     * total only when it starts where the previous one ended, and otherwise replaces the total. One
     * session of three requests of the same cost, the third three export intervals after the second,
     * sent to the bundle's collector and to the same config without the processor (a second real chain):
     * the first reads the session's whole cost, the second only the third request's.
     */
    @Test
    void withoutDeltatocumulativeARealSessionReadsItsLastExportOnly() throws Exception {
        try (RealChain without = RealChain.start(CollectorBehaviourTest.WITHOUT_DELTATOCUMULATIVE)) {
            Map<String, Double> read = new LinkedHashMap<>();
            Map<String, Double> cost = new LinkedHashMap<>();
            for (boolean bundle : new boolean[] {true, false}) {
                String machine = bundle ? "delta-box" : "nodelta-box";
                PrometheusProcess prometheus = bundle ? world.prometheus : without.prometheus;
                RealClaudeCode u = RealClaudeCode.user(world.api, bundle ? world.collector.grpcEndpoint()
                        : without.collector.grpcEndpoint(), "grpc", machine);
                try {
                    Run run = u.prompt("work [[spread]]", "--output-format", "json", "--dangerously-skip-permissions").ok();
                    String session = result(run).path("session_id").asText();
                    double total = result(run).path("total_cost_usd").asDouble();
                    String q = "sum(claude_code_cost_usage_USD_total{session_id=\"" + session + "\"})";
                    // the exit's export may wait for the batch's 5 s timeout: wait until the value each config
                    // should end at shows (a timeout names the value it saw), then a few scrapes more: what stays
                    double expected = bundle ? total : total / 3;
                    prometheus.awaitValue("round(" + q + " * 1e9)", Math.round(expected * 1e9), Duration.ofSeconds(30));
                    Thread.sleep(3000);
                    read.put(machine, prometheus.value(q));
                    cost.put(machine, total);
                } finally {
                    u.delete();
                }
            }
            System.out.printf("real client, 3 requests: with deltatocumulative %s reads %s; without, %s reads %s%n",
                    cost.get("delta-box"), read.get("delta-box"), cost.get("nodelta-box"), read.get("nodelta-box"));
            assertEquals(cost.get("delta-box"), read.get("delta-box"), 1e-9, "the bundle's collector: the whole session");
            assertEquals(cost.get("nodelta-box") / 3, read.get("nodelta-box"), 1e-9, "without deltatocumulative: the last request");
        }
    }

    /**
     * A client whose telemetry goes to the wrong protocol (gRPC to the collector's OTLP/HTTP port): its
     * session runs and nothing of it arrives. verify's clients check lists only the machines it has data
     * from; with the team's machines in the setting expected-machines (a migrate.yaml, as a user keeps it)
     * it fails naming the one that sent nothing, with the fix.
     */
    @Test
    void aClientOnTheWrongProtocolNeverArrivesAndVerifyNamesItWhenExpected() throws Exception {
        RealClaudeCode wrong = world.user("wrong-proto-box", "grpc").env("OTEL_EXPORTER_OTLP_ENDPOINT",
                world.collector.httpEndpoint());
        RealClaudeCode right = world.user("right-box", "grpc");
        Run lost = wrong.prompt("hello on the wrong port", "--output-format", "json").ok();
        Run fine = right.prompt("hello", "--output-format", "json").ok();
        System.out.printf("gRPC to the OTLP/HTTP port: the client's session took %d ms (the right port: %d ms)%n",
                lost.took().toMillis(), fine.took().toMillis());
        world.prometheus.awaitQuery("claude_code_session_count_total{machine_name=\"right-box\"}", Duration.ofSeconds(30));
        Thread.sleep(3000); // export intervals for a late arrival
        String session = result(lost).path("session_id").asText();
        assertEquals(0, world.prometheus.query("{session_id=\"" + session + "\"}").size());
        JsonNode clients = verify("wrong").get("clients");
        String observed = clients.path("observed").asText();
        assertTrue(observed.contains("right-box:"), clients.toString());
        assertFalse(observed.contains("wrong-proto-box"), clients.toString());

        Path settings = Files.writeString(state.resolve("migrate.yaml"), "expected-machines: [right-box, wrong-proto-box]\n");
        JsonNode expected = verify("wrong-expected", "--config", settings.toString()).get("clients");
        assertEquals("fail", expected.path("status").asText(), expected.toString());
        assertTrue(expected.path("cause").asText().contains("expected machine(s) sent nothing in the last 10m: wrong-proto-box"
                + " (setting expected-machines)"), expected.toString());
        assertFalse(expected.path("cause").asText().contains("right-box"), expected.toString());
        assertTrue(expected.path("fix").asText().contains("on wrong-proto-box set the environment from 'migrate client-env"),
                expected.toString());
    }
}
