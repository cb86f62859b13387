package dev.migrate.realclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.ClaudeCodeFixture;
import dev.migrate.testsupport.CollectorProcess;
import dev.migrate.testsupport.PrometheusProcess;
import dev.migrate.testsupport.RealChain;
import dev.migrate.testsupport.PipelineWorld;
import dev.migrate.testsupport.DashboardPanels;
import dev.migrate.testsupport.LokiDouble;
import dev.migrate.testsupport.RealClientWorld;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard a user opens after the sessions of {@link RealSessions}: the real Claude Code client
 * 2.1.328 against the Anthropic API double (the API cannot run here), through the bundle's real
 * collector into a real Prometheus 3 and the Loki double (Loki is AGPL). Each number is checked against
 * what the sessions did: the cost is the sum of the {@code api_request} events' {@code cost_usd} (the
 * client prices the stand-in's usage itself), the session count the number of client processes, and
 * so on. What the real client cannot send here comes from {@link ClaudeCodeFixture}, and only where a
 * test says so.
 */
class RealClientTest {
    /** What the collector names a client's machine when it sends no machine.name. */
    static final String NO_MACHINE_NAME = "no-machine-name";
    static RealClientWorld world;
    static RealSessions sessions;
    static DashboardPanels panels;
    /**
     * A second chain for two client processes on one session (anthropics/claude-code #56317, --resume twice
     * at once with cumulative temporality): its cost series flips between their totals, which is exactly
     * what the dashboard cannot add up, so it stays out of the exact numbers of the main world.
     */
    static RealChain collision;
    static RealSessions.Collision collided;
    static Path state;
    /** `migrate soak`, watching while the sessions run: exit code and stdout. */
    static CliRun soak;

    @BeforeAll
    static void start() throws Exception {
        state = Files.createTempDirectory("real-client-state");
        world = new RealClientWorld();
        sessions = new RealSessions(world);
        // soak watches the pipeline while people work, as it does in the homelab
        // the batch processor's 5s would merge the two processes' exports into one, hiding the resets the
        // collision makes; each process's export must reach the exporter (as in ClientsCheckTest).
        // The main world is already held: @AfterAll closes it if this fails.
        collision = RealChain.start("processors::batch::timeout=200ms");
        ExecutorService watcher = Executors.newFixedThreadPool(2);
        Future<RealSessions.Collision> colliding = watcher.submit(() -> RealSessions.collide(world.api, collision));
        Future<CliRun> soaking = watcher.submit(() -> CliRun.of("soak", "--state-dir", state.resolve("soak").toString(),
                "--duration", "40s", "--interval", "5s", "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(),
                "--otlp-endpoint", world.collector.httpEndpoint()));
        sessions.runAll();
        // figures for the record (printed, never asserted): the sessions' wall time and the client's cold start
        // (approximate: people run side by side; bench/real-client.sh measures it one client at a time)
        System.out.printf("real client: %d sessions in %d s (3 at a time); cold start (process start -> first API request)"
                + " median %d ms%n", sessions.runs.size(), sessions.took.toSeconds(), sessions.coldStartMedianMs());
        soak = soaking.get(120, TimeUnit.SECONDS);
        collided = colliding.get(120, TimeUnit.SECONDS);
        collision.prometheus.awaitQuery("resets(claude_code_cost_usage_USD_total{session_id=\"" + collided.sessionId() + "\"}[1h]) > 0",
                Duration.ofSeconds(30));
        watcher.shutdown();
        // The Desktop app, interactive-only values, auth and internal_error: no way to make the CLI send them here.
        ClaudeCodeFixture.send(world.collector.grpcEndpoint());
        // Everything exported and scraped: every process's events (one user_prompt per session but the
        // control-request one, which also sends one) and a cost total equal to the events' sum.
        world.awaitEvents("api_retries_exhausted", 3, Duration.ofSeconds(30));
        world.awaitEvents("auth", 1, Duration.ofSeconds(30));
        world.prometheus.awaitQuery("claude_code_session_count_total{start_type=\"agents_view\"}", Duration.ofSeconds(30));
        world.awaitEvents("api_request", sessions.apiRequests(), Duration.ofSeconds(30));
        world.prometheus.awaitValue("round(sum(claude_code_cost_usage_USD_total) * 1e9)", Math.round(eventCost() * 1e9),
                Duration.ofSeconds(30));
        world.prometheus.awaitValue("sum(claude_code_session_count_total{start_type!=\"agents_view\"})",
                sessions.runs.size() + ClaudeCodeFixture.SESSIONS, Duration.ofSeconds(30));
        panels = new DashboardPanels(Rendered.bundle().dashboardJson(), world.prometheus, world.loki);
    }

    @AfterAll
    static void stop() throws IOException {
        if (world != null) {
            world.close();
        }
        if (collision != null) {
            collision.close();
        }
        try (var walk = Files.walk(state)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Sum of cost_usd over the api_request events the Loki double holds. */
    static double eventCost() {
        return world.events("api_request").stream().mapToDouble(l -> Double.parseDouble(l.metadata().get("cost_usd"))).sum();
    }

    static Map<String, Double> eventCostBy(String field) {
        Map<String, Double> out = new TreeMap<>();
        for (LokiDouble.Line l : world.events("api_request")) {
            out.merge(l.metadata().getOrDefault(field, ""), Double.parseDouble(l.metadata().get("cost_usd")), Double::sum);
        }
        return out;
    }

    static void assertClose(Map<String, Double> expected, Map<String, Double> actual) {
        assertEquals(expected.keySet(), actual.keySet(), "rows: expected " + expected + ", panel shows " + actual);
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), 1e-9, k + ": expected " + expected + ", panel shows " + actual));
    }

    @Test
    void costIsTheSumOfTheClientsOwnApiRequestCosts() {
        double cost = eventCost();
        assertTrue(cost > 0, "the client priced its requests");
        assertEquals(cost, panels.value("Total cost"), 1e-9);
        assertEquals(cost, panels.value("Spend vs daily alert"), 1e-9);
        assertClose(eventCostBy("model"), panels.by("Cost by model", "model"));
        // two models: the session's and the custom subagent's haiku
        assertEquals(java.util.Set.of(RealSessions.MODEL, RealSessions.SECOND_MODEL), panels.by("Cost by model", "model").keySet());
        assertEquals(cost / (sessions.runs.size() + ClaudeCodeFixture.SESSIONS), panels.value("Average cost per session"), 1e-9);
    }

    @Test
    void tokensAreTheStandInsUsageTimesTheRequests() {
        // every message the stand-in answered reported the same usage
        int requests = sessions.apiRequests();
        Map<String, Double> byType = panels.by("Tokens by type", "type");
        assertEquals(Map.of("input", 1200.0 * requests, "output", 17.0 * requests, "cacheRead", 300.0 * requests,
                "cacheCreation", 50.0 * requests), byType);
    }

    @Test
    void sessionsCountEveryClientProcessAndItsStartType() {
        assertEquals(sessions.runs.size() + ClaudeCodeFixture.SESSIONS, panels.value("Sessions"));
        // --resume twice (a resume and the /compact of it), --continue once, the rest fresh (with the fixture's
        // Desktop session); fixture: a session from the agents view, shown here and left out of every count
        assertEquals(Map.of("resume", 2.0, "continue", 1.0, "fresh", sessions.runs.size() - 3 + 1.0, "agents_view", 1.0),
                panels.by("Sessions by start type", "start_type"));
        // fixture: the Desktop app's session (the CLI cannot send service.name claude-code-desktop)
        assertEquals(1, panels.value("Sessions from Desktop"));
        assertEquals(Map.of("claude-code", sessions.runs.size() - 1.0, RealSessions.SERVICE_RENAMED, 1.0,
                "claude-code-desktop", 1.0), panels.by("Sessions by app", "exported_job"));
        // -p sessions count only the CLI's active time; fixture: a person's typing (interactive only)
        Map<String, Double> active = panels.by("Active time: user vs CLI", "type");
        assertEquals(Set.of("cli", "user"), active.keySet(), active.toString());
        assertEquals(ClaudeCodeFixture.USER_ACTIVE_SECONDS, active.get("user"), 1e-9);
        assertTrue(active.get("cli") > 0, active.toString());
    }

    /**
     * Every person is a user of their own (API-key users by the per-install user.id, the claude.ai login
     * by email) and every client a machine, the one without machine.name under the collector's placeholder.
     */
    @Test
    void everyPersonIsAUserAndEveryClientAMachine() {
        assertEquals(sessions.users.size(), panels.value("Active users"));
        Map<String, Double> byUser = panels.by("Cost by user", "user");
        assertClose(eventCostBy("user"), byUser);
        assertTrue(byUser.containsKey(RealSessions.CAROL), byUser.toString());
        assertEquals(sessions.users.size() - 1, byUser.keySet().stream().filter(u -> u.matches("[0-9a-f]{64}")).count(), byUser.toString());
        Map<String, Double> machines = new TreeMap<>();
        sessions.sessionsByMachine(NO_MACHINE_NAME).forEach((m, n) -> machines.put(m, (double) n));
        machines.merge("desk", (double) ClaudeCodeFixture.SESSIONS, Double::sum); // the fixture's Desktop session
        assertEquals(machines, panels.by("Sessions by machine", "machine_name"));
    }

    @Test
    void commitsPullRequestsLinesAndEditDecisions() {
        assertEquals(1, panels.value("Commits"));
        assertEquals(1, panels.value("Pull requests"));
        // one session of all (--resume and the /compact of it keep carol's first session's id)
        assertEquals(1.0 / (sessions.runs.size() - 2 + ClaudeCodeFixture.SESSIONS), panels.value("Sessions with a commit"), 1e-9);
        // a 3-line Write, then an Edit that turns one line into two: the client counts 5 added, 0 removed (the recorded
        // increments hold only what grew, so the removed series, which stays at 0, has no row)
        assertEquals(Map.of("added", 5.0), panels.by("Lines of code", "type"));
        assertEquals(0.0, world.prometheus.value("sum(claude_code_lines_of_code_count_total{type=\"removed\"})"), 1e-9);
        Map<String, Double> decisions = new TreeMap<>();
        panels.rows(panels.target("Edit decisions by tool", 0)).forEach((k, v) -> decisions.put(k.replaceAll("decision=(\\w+),tool_name=(\\w+)", "$2 $1"), v));
        assertEquals(Map.of("Edit accept", 1.0, "Write accept", 1.0, "Write reject", 1.0), decisions);
        assertEquals(Map.of("Python", 2.0, "Plain text", 1.0), panels.by("Edits by language", "language"));
        assertEquals(2.0 / 3.0, panels.value("Edit acceptance rate"), 1e-9);
    }

    @Test
    void errorsRetriesAndRefusalsAsTheClientReportsThem() {
        // one api_error per request that finally failed (the recovered 529 sends none)
        assertEquals(Map.of("429", 1.0, "500", 1.0, "529", 1.0), panels.by("API errors", "status_code"));
        assertEquals(Map.of("429", 1.0, "500", 1.0, "529", 1.0), panels.by(panels.target("Retries exhausted, refusals, internal errors", 0), "status_code"));
        assertEquals(1, panels.rows(panels.target("Retries exhausted, refusals, internal errors", 1)).values().stream()
                .mapToDouble(Double::doubleValue).sum());
        // fixture: internal_error has no offline trigger
        assertEquals(Map.of("TypeError", 1.0), panels.by(panels.target("Retries exhausted, refusals, internal errors", 2), "error_name"));
        // CLAUDE_CODE_MAX_RETRIES=1: every finally failed request was tried twice, and waited between the tries
        assertEquals(Map.of("429", 2.0, "500", 2.0, "529", 2.0), panels.by(panels.target("Retries of failed requests", 0), "status_code"));
        assertTrue(panels.rows(panels.target("Retries of failed requests", 1)).values().stream().mapToDouble(Double::doubleValue).sum() > 0,
                "Retries of failed requests: no wait between the tries");
        // a Bash command that failed
        assertEquals(Map.of("error_type=ShellError,tool_name=Bash", 1.0), panels.rows(panels.target("Tool errors by type", 0)));
    }

    @Test
    void toolsSubagentsMcpHooksSkillsAndCompactions() {
        // Bash: git, pr, hook, idle and frank's wait ran, bashfail failed; Write and Edit accepted (the refused Write
        // has no result); the two Agent calls; the Skill; the user's own MCP tool, which the client names mcp_tool
        Map<String, Double> results = new TreeMap<>(Map.of("success=true,tool_name=Bash", 5.0, "success=false,tool_name=Bash", 1.0,
                "success=true,tool_name=Write", 1.0, "success=true,tool_name=Edit", 1.0, "success=true,tool_name=Agent", 2.0,
                "success=true,tool_name=Skill", 1.0, "success=true,tool_name=mcp_tool", 1.0));
        assertEquals(results, panels.rows(panels.target("Tool results", 0)));
        // the Write the default permission mode refused, by who refused it
        assertEquals(Map.of("source=config,tool_name=Write", 1.0), panels.rows(panels.target("Rejections by tool and source", 0)));
        assertEquals(Map.of("custom", 1.0, "general-purpose", 1.0), panels.by("Subagents completed", "agent_type"));
        // main-thread requests carry no agent.name and show as main; a user-defined agent is custom
        Map<String, Double> agents = panels.by("Cost and tokens by agent", "agent_name");
        assertEquals(Set.of("main", "custom", "general-purpose"), agents.keySet(), agents.toString());
        assertEquals(eventCost(), agents.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
        // the client adds speed only when it is fast: everything else is normal
        assertClose(Map.of("normal", eventCost()), panels.by("Cost and tokens by speed", "speed"));
        // effort only on the subagent's requests; query_source main, subagent (the agents), auxiliary (/compact)
        assertEquals(Set.of("medium", "none"), panels.by("Cost and tokens by effort", "effort").keySet());
        assertEquals(Set.of("main", "subagent", "auxiliary"), panels.by("Cost and tokens by query source", "query_source").keySet());
        Map<String, Double> mcp = new TreeMap<>();
        panels.rows(panels.target("MCP server connections", 0)).forEach((k, v) -> mcp.put(k, v));
        assertEquals(Map.of("status=connected,transport_type=stdio", 1.0, "status=disconnected,transport_type=stdio", 1.0), mcp);
        // a user's own MCP server is "custom" unless OTEL_LOG_TOOL_DETAILS=1
        assertTrue(panels.by("Cost and tokens by MCP server", "mcp_server_name").containsKey("custom"),
                panels.by("Cost and tokens by MCP server", "mcp_server_name").toString());
        assertEquals(3, world.events("hook_execution_complete").size());
        assertTrue(panels.value("Hook time and blocking hooks") > 0);
        assertEquals(Map.of("custom_skill", 1.0), panels.by("Skills activated", "skill_name"));
        assertTrue(panels.by("Cost and tokens by skill", "skill_name").containsKey("hello-skill"),
                panels.by("Cost and tokens by skill", "skill_name").toString());
        assertEquals(1, world.events("compaction").size());
        assertEquals(java.util.Set.of("manual"), panels.by(panels.target("Compactions: context pressure", 0), "trigger").keySet());
    }

    @Test
    void modeChangesToBypassPermissionsAreListed() {
        Map<String, Double> changes = new TreeMap<>();
        panels.rows(panels.target("Permission mode changes", 0)).forEach(changes::put);
        assertEquals(Map.of("from_mode=default,to_mode=acceptEdits", 1.0, "from_mode=acceptEdits,to_mode=bypassPermissions", 1.0),
                changes);
        // the bypass table: one row, alice on laptop; plus the fixture's auth event in the log panel
        assertEquals(1, panels.rows(panels.target("Switches to bypassPermissions", 0)).size());
        assertEquals(3, panels.rows(panels.target("Recent permission mode changes and auth events", 0)).get(""));
    }

    /**
     * The real client's sessions (one-shot sessions, commits and a pull request, delta and cumulative clients,
     * a session idling across export intervals, resumed sessions): every panel that reads the recorded
     * increments shows what its raw expression, each session's own series, shows.
     */
    @Test
    void recordedPanelsShowWhatTheRawSeriesShow() {
        assertEquals(List.of(), panels.awaitRecorded().differencesFromRaw(50));
    }

    /** A panel that a scenario (or, where said, the fixture) should fill and that stays empty is a failure. */
    @Test
    void everyPanelShowsData() {
        List<String> empty = new ArrayList<>();
        DashboardPanels collisionPanels = new DashboardPanels(Rendered.bundle().dashboardJson(), collision.prometheus, collision.loki);
        for (DashboardPanels.Target t : panels.targets()) {
            // the colliding processes live in their own chain (see collision)
            boolean collides = t.panel().equals("Cost counter resets");
            if ((collides ? collisionPanels : panels).rows(t).isEmpty()) {
                empty.add(t.panel() + ": " + t.expr());
            }
        }
        assertEquals(List.of(), empty, "panels with no data after the real client's sessions");
    }

    /**
     * `migrate verify` on the real client's data: every check passes but `clients`, which names what this
     * world set up wrong on purpose — dave's client without machine.name and erin's renamed service — and
     * lists both machines that report.
     */
    @Test
    void verifyPassesButForTheClientsSetUpWrong() throws Exception {
        CliRun run = CliRun.of("verify", "--state-dir", state.resolve("verify").toString(), "-o", "json",
                "--prometheus-url", world.prometheus.url(), "--loki-url", world.loki.url(), "--grafana-url", world.grafana.url(),
                "--otlp-grpc-endpoint", world.collector.grpcEndpoint(), "--otlp-http-endpoint", world.collector.httpEndpoint());
        JsonNode doc = Json.MAPPER.readTree(run.out());
        Map<String, JsonNode> results = new LinkedHashMap<>();
        doc.path("results").forEach(r -> results.put(r.path("name").asText(), r));
        assertEquals(1, run.exitCode(), run.out() + run.err());
        for (String check : List.of("synthetic-round-trip", "scrape-target", "metric-names", "client-data", "loki-events",
                "dashboard", "alert-rules")) {
            assertEquals("pass", results.get(check).path("status").asText(), check + ": " + results.get(check));
        }
        JsonNode clients = results.get("clients");
        assertEquals("fail", clients.path("status").asText(), clients.toString());
        String daveId = world.events("user_prompt").stream().filter(l -> NO_MACHINE_NAME.equals(l.metadata().get("machine_name")))
                .findFirst().orElseThrow().metadata().get("user_id");
        String cause = clients.path("cause").asText();
        assertTrue(cause.contains(daveId.substring(0, 12)) && cause.contains(RealSessions.SERVICE_RENAMED), cause);
        String observed = clients.path("observed").asText();
        assertTrue(observed.contains("laptop:") && observed.contains("desk:") && observed.contains(RealSessions.CAROL), observed);
    }

    /** soak's client checks, judged while the sessions ran. */
    @Test
    void soaksClientChecksPass() throws Exception {
        JsonNode report = Json.MAPPER.readTree(Files.readString(state.resolve("soak/soak/report.json")));
        Map<String, String> status = new LinkedHashMap<>();
        report.path("results").forEach(r -> status.put(r.path("name").asText(), r.path("status").asText()));
        for (String check : List.of("client-metrics-arriving", "client-token-rate", "loki-events-arriving", "data-flowing")) {
            assertEquals("PASS", status.get(check), check + ": " + soak.out());
        }
    }

    /**
     * The PrometheusRule's spend alerts on the real data, in two more real Prometheus 3 scraping the same
     * collector: with thresholds under what the sessions spent every one fires, with thresholds over it
     * none does. The only change to the rendered rules: {@code for} is 0s (how long a condition must hold
     * is not what is tested; waiting it out is what a test cannot afford). Business hours set to the whole
     * week: ClaudeCodeNoActivityBusinessHours stays silent in both, because the sessions spent.
     */
    @Test
    void spendAlertsFireAboveTheirThresholdsAndStaySilentBelow() throws Exception {
        double total = eventCost();
        Map<String, Double> perUser = eventCostBy("user_id");
        double top = perUser.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double second = perUser.values().stream().mapToDouble(Double::doubleValue).filter(v -> v < top).max().orElse(0);
        String betweenUsers = String.valueOf((top + second) / 2);
        Map<String, List<Map<String, String>>> fired = alerts(world.collector, Map.of("daily-spend-alert-usd", String.valueOf(total / 2), "daily-spend-critical-usd",
                String.valueOf(total * 0.9), "hourly-spend-spike-usd", String.valueOf(total / 2),
                "monthly-budget-usd", String.valueOf(total / 7 * 30 / 2), "user-daily-spend-usd", betweenUsers,
                "business-hours", "0-24", "business-days", "0-6"));
        assertEquals(new TreeSet<>(Set.of("ClaudeCodeDailySpendHigh", "ClaudeCodeDailySpendCritical", "ClaudeCodeHourlySpendSpike",
                "ClaudeCodeMonthlyBudgetForecast", "ClaudeCodeUserDailySpendHigh")), fired.keySet());
        // one person spent more than the per-user threshold, and only that person is named
        String topUser = perUser.entrySet().stream().filter(e -> e.getValue() == top).findFirst().orElseThrow().getKey();
        assertEquals(List.of(topUser), fired.get("ClaudeCodeUserDailySpendHigh").stream().map(l -> l.get("user")).toList(),
                fired.toString());
        Map<String, List<Map<String, String>>> silent = alerts(world.collector, Map.of("daily-spend-alert-usd", String.valueOf(total * 2), "daily-spend-critical-usd",
                String.valueOf(total * 3), "hourly-spend-spike-usd", String.valueOf(total * 2),
                "monthly-budget-usd", String.valueOf(total / 7 * 30 * 2), "user-daily-spend-usd", String.valueOf(top * 2),
                "business-hours", "0-24", "business-days", "0-6"));
        assertEquals(Map.of(), silent);
    }

    /**
     * ClaudeCodeCostCounterResets on gina's two processes on one session (anthropics/claude-code #56317). Resets
     * are history: a Prometheus started now would see only the counter's last value, so the alert's rendered
     * expression runs in the collision chain's own Prometheus, which scraped the flips (its rules carry the
     * default threshold and 5m for). With the setting under the resets Prometheus counted it names that session,
     * with the setting over them nothing.
     */
    @Test
    void costCounterResetsAlertNamesTheSessionTwoProcessesShare() throws Exception {
        Double counted = collision.prometheus.value("sum(resets(claude_code_cost_usage_USD_total{session_id=\""
                + collided.sessionId() + "\"}[1h]))");
        assertTrue(counted != null && counted >= 1, "the colliding session's counter never reset: " + counted);
        double resets = counted;
        assertEquals(List.of(collided.sessionId()), costCounterResets(resets - 0.5));
        assertEquals(List.of(), costCounterResets(resets + 0.5));
    }

    /** The session_id of each series ClaudeCodeCostCounterResets' rendered expression returns in the collision chain. */
    private static List<String> costCounterResets(double threshold) throws Exception {
        String rules = Rendered.prometheusRules(Rendered.bundle(Map.of("cost-counter-resets-alert", String.valueOf(threshold))));
        for (JsonNode group : Json.YAML.readTree(rules).path("groups")) {
            for (JsonNode r : group.path("rules")) {
                if (r.path("alert").asText().equals("ClaudeCodeCostCounterResets")) {
                    List<String> sessions = new ArrayList<>();
                    collision.prometheus.query(r.path("expr").asText()).forEach(s -> sessions.add(s.at("/metric/session_id").asText()));
                    return sessions;
                }
            }
        }
        throw new AssertionError("the rendered rules have no ClaudeCodeCostCounterResets");
    }

    /**
     * A model picked in the Model filter: cost and API requests read that model's requests only; the panels
     * of events that carry no model (tools, rejections, skills, MCP, hooks, compactions, mode changes) show
     * what they show under All; metrics without a model (sessions) drop out.
     */
    @Test
    void aModelPickedKeepsTheEventsThatCarryNoModel() {
        String model = RealSessions.SECOND_MODEL;
        DashboardPanels picked = new DashboardPanels(Rendered.bundle().dashboardJson(), world.prometheus, world.loki,
                Map.of("model", model));
        assertClose(Map.of(model, eventCostBy("model").get(model)), picked.by("Cost by model", "model"));
        assertEquals(Set.of(model), picked.by("API requests", "model").keySet());
        for (String panel : List.of("Tool results", "Rejections by tool and source", "Skills activated", "MCP server connections",
                "Hook time and blocking hooks", "Compactions: context pressure", "Permission mode changes")) {
            Map<String, Double> all = panels.rows(panels.target(panel, 0));
            assertTrue(!all.isEmpty(), panel + " is empty under All");
            assertEquals(all, picked.rows(picked.target(panel, 0)), panel + " with model " + model);
        }
        assertEquals(Map.of(), picked.rows(picked.target("Sessions", 0)), "session.count carries no model");
    }

    private static Map<String, List<Map<String, String>>> alerts(CollectorProcess collector, Map<String, String> settings)
            throws Exception {
        String rules = Rendered.prometheusRules(Rendered.bundle(settings), "0s");
        String config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${DIR}/rules.yml\n"
                + "scrape_configs:\n" + PipelineWorld.collectorJob(collector);
        try (PrometheusProcess p = PrometheusProcess.start(config, Map.of("rules.yml", rules))) {
            p.awaitQuery("claude_code_cost_usage_USD_total", Duration.ofSeconds(30));
            // the spend alerts read the recorded increments: one recording evaluation on the scraped data, then a few
            // evaluations of the alerts (every second)
            p.awaitGroupEvaluated(DashboardPanels.RECORDING_GROUP, Rendered.WORLD_QUERY_OFFSET, Duration.ofSeconds(60));
            Thread.sleep(4000);
            Map<String, List<Map<String, String>>> names = new TreeMap<>();
            for (JsonNode a : Json.MAPPER.readTree(p.get("/api/v1/alerts")).at("/data/alerts")) {
                String name = a.at("/labels/alertname").asText();
                if (name.startsWith("ClaudeCode") && a.path("state").asText().equals("firing")) {
                    names.computeIfAbsent(name, k -> new ArrayList<>()).add(Json.MAPPER.convertValue(a.path("labels"),
                            new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
                }
            }
            return names;
        }
    }

    /**
     * The Loki ruler's rules (rendered with loki-ruler: true) on the real events: each rule's query runs on
     * the Loki double (Loki is AGPL: no real ruler here) and is compared with its threshold as the ruler does.
     */
    @Test
    void lokiRulesFireAboveTheirThresholdsAndStaySilentBelow() throws Exception {
        int errors = world.events("api_error").size();
        // the rules read the two Claude Code services only (erin's renamed one is outside, as verify's clients check says)
        int requests = (int) world.events("api_request").stream()
                .filter(l -> l.stream().get("service_name").matches("claude-code|claude-code-desktop")).count();
        Map<String, Map<String, Double>> low = lokiRules(Map.of("loki-ruler", "true", "loki-error-ratio-alert", "0.01",
                "loki-retries-exhausted-alert", "0.5"));
        // the ratio counts the requests that finally failed in its denominator too
        assertEquals(Map.of("", (double) errors / (requests + errors)), low.get("ClaudeCodeApiErrorRatioHigh"));
        assertEquals(Map.of("status_code=429", 1.0, "status_code=500", 1.0, "status_code=529", 1.0),
                low.get("ClaudeCodeApiRetriesExhausted"));
        assertEquals(1, low.get("ClaudeCodeBypassPermissions").size(), low.toString());
        Map<String, Map<String, Double>> high = lokiRules(Map.of("loki-ruler", "true", "loki-error-ratio-alert", "0.9",
                "loki-retries-exhausted-alert", "5"));
        assertEquals(Map.of(), high.get("ClaudeCodeApiErrorRatioHigh"));
        assertEquals(Map.of(), high.get("ClaudeCodeApiRetriesExhausted"));
    }

    /** Each Loki rule's series above its threshold (a rule with none would not fire). */
    private static Map<String, Map<String, Double>> lokiRules(Map<String, String> settings) throws Exception {
        JsonNode cm = Json.MAPPER.valueToTree(Rendered.bundle(settings).objects().stream()
                .filter(o -> o.name().equals("claude-code-loki-rules")).findFirst().orElseThrow().body());
        Map<String, Map<String, Double>> out = new TreeMap<>();
        for (JsonNode r : Json.YAML.readTree(cm.at("/data/claude-code-loki-rules.yaml").asText()).at("/groups/0/rules")) {
            String expr = r.get("expr").asText().strip();
            int cut = expr.lastIndexOf('>');
            double threshold = Double.parseDouble(expr.substring(cut + 1).strip());
            Map<String, Double> above = new TreeMap<>();
            panels.loki(expr.substring(0, cut)).forEach((k, v) -> {
                if (v > threshold) {
                    above.put(k, v);
                }
            });
            out.put(r.get("alert").asText(), above);
        }
        return out;
    }
}
