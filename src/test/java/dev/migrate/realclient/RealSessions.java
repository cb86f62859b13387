package dev.migrate.realclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.testsupport.AnthropicApiDouble;
import dev.migrate.testsupport.RealClaudeCode;
import dev.migrate.testsupport.RealClaudeCode.Run;
import dev.migrate.testsupport.RealClientWorld;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.migrate.testsupport.AnthropicApiDouble.failure;
import static dev.migrate.testsupport.AnthropicApiDouble.recovering;
import static dev.migrate.testsupport.AnthropicApiDouble.refusal;
import static dev.migrate.testsupport.AnthropicApiDouble.text;
import static dev.migrate.testsupport.AnthropicApiDouble.tool;

/**
 * The scenarios of the real client, all in one {@link RealClientWorld} (one world, many sessions: a
 * cold client costs about a second, a world several), each person's sessions in order and the people
 * side by side. Who does what:
 * <ul>
 * <li>alice (API key, machine laptop, gRPC): a plain session; Write then Edit accepted (acceptEdits);
 *   a Write refused by the default permission mode; 429, 500 and 529 on every try (the retries run
 *   out) and a 529 that recovers; a stdio MCP server's tool; a user skill; a session that idles across
 *   export intervals; a switch to bypassPermissions (SDK control request, as an IDE sends it).</li>
 * <li>bob (API key, machine desk, http/protobuf): a plain session; a git commit and a pull request
 *   through the Bash tool; a custom subagent on a second model and the built-in general-purpose one;
 *   hooks; a refusal.</li>
 * <li>carol (a claude.ai login, imitated: see {@link RealClaudeCode#claudeAiLogin}), laptop: a plain
 *   session, then {@code --resume}, {@code --continue} and {@code /compact} of it.</li>
 * <li>dave: no OTEL_RESOURCE_ATTRIBUTES (a client set up without client-env); erin: OTEL_SERVICE_NAME set;
 *   frank: cumulative temporality.</li>
 * </ul>
 * Every session uses {@link #MODEL} (the subagent {@code haiku}); the stand-in reports the same usage for
 * every call, and the client prices it.
 */
final class RealSessions {
    static final String MODEL = "claude-sonnet-4-5";
    /** What the client resolves the alias {@code haiku} to (2.1.328). */
    static final String SECOND_MODEL = "claude-haiku-5-5";
    static final String CAROL = "carol@example.com";
    static final String SERVICE_RENAMED = "my-claude";

    final RealClientWorld world;
    /** Every client process, in order of completion; each one started one session (session.count 1). */
    final List<Run> runs = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Run> byScenario = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Who ran each scenario (a key of {@link #users}). */
    final Map<String, String> personOf = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Each person's machine.name (null: none set). */
    final Map<String, String> machineOf = new LinkedHashMap<>();
    final Map<String, RealClaudeCode> users = new LinkedHashMap<>();
    /** Wall time of all sessions, and each client's time to its first API request in a plain session. */
    Duration took;

    final RealClaudeCode alice;
    final RealClaudeCode bob;
    final RealClaudeCode carol;

    /** The people (each a HOME with what client-env prints for their machine) and the stand-in's scripts. */
    RealSessions(RealClientWorld world) {
        this.world = world;
        alice = user("alice", "laptop", "grpc");
        bob = user("bob", "desk", "http/protobuf");
        carol = user("carol", "laptop", "grpc").claudeAiLogin(CAROL);
        user("dave", null, "grpc");
        user("erin", "desk", "grpc").env("OTEL_SERVICE_NAME", SERVICE_RENAMED);
        user("frank", "laptop", "http/protobuf").env("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "cumulative");
        script();
    }

    /** Runs every scenario: each person's sessions in order, three people at a time. */
    RealSessions runAll() {
        RealSessions s = this;
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            done.add(pool.submit(s::alice));
            done.add(pool.submit(s::bob));
            done.add(pool.submit(s::carolAndOthers));
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new AssertionError("a scenario failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        s.took = Duration.ofNanos(System.nanoTime() - start);
        return s;
    }

    private void script() {
        AnthropicApiDouble api = world.api;
        api.script("plain", text("Hello from the stand-in."));
        api.script("reject", tool("Write", "{\"file_path\":\"/tmp/never-written-by-the-test.txt\",\"content\":\"x\\n\"}"),
                text("Could not write."));
        api.script("e429", failure(429));
        api.script("e500", failure(500));
        api.script("e529", failure(529));
        api.script("e529ok", recovering(529, 1, text("Recovered.")));
        api.script("git", tool("Bash", "{\"command\":\"git init -q && git add -A && git commit -qm 'first commit'\","
                + "\"description\":\"commit\"}"), text("Committed."));
        api.script("pr", tool("Bash", "{\"command\":\"gh pr create --title 'A change' --body 'Body'\",\"description\":\"pr\"}"),
                text("Opened."));
        api.script("sub", tool("Agent", "{\"description\":\"help\",\"prompt\":\"Say hi [[subtask]]\",\"subagent_type\":\"helper\"}"),
                text("The helper answered."));
        api.script("subgp", tool("Agent", "{\"description\":\"look\",\"prompt\":\"Look around [[gptask]]\","
                + "\"subagent_type\":\"general-purpose\"}"), text("The general-purpose agent answered."));
        api.script("subtask", text("hi"));
        api.script("gptask", text("looked"));
        api.script("hook", tool("Bash", "{\"command\":\"echo hooked\",\"description\":\"echo\"}"), text("Done."));
        api.script("mcp", tool("mcp__echo__echo", "{\"text\":\"ping\"}"), text("Echoed."));
        api.script("skill", tool("Skill", "{\"skill\":\"hello-skill\"}"), text("Skill used."));
        api.script("idle", tool("Bash", "{\"command\":\"sleep 3\",\"description\":\"wait\"}"), text("Waited."));
        api.script("cumulative", tool("Bash", "{\"command\":\"sleep 2\",\"description\":\"wait\"}"), text("Waited."));
        api.script("refuse", refusal());
        api.script("bashfail", tool("Bash", "{\"command\":\"ls /nonexistent-dir-of-the-test\",\"description\":\"list\"}"),
                text("It is not there."));
        api.script("mode", text("Mode noted."));
    }

    private Run record(String person, String scenario, Run run) {
        runs.add(run);
        byScenario.put(scenario, run);
        personOf.put(scenario, person);
        return run;
    }

    /** Client processes per machine.name as the collector names them ({@code unnamed} for a client that sets none). */
    Map<String, Integer> sessionsByMachine(String unnamed) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        personOf.values().forEach(p -> out.merge(machineOf.get(p) == null ? unnamed : machineOf.get(p), 1, Integer::sum));
        return out;
    }

    private RealClaudeCode user(String name, String machine, String protocol) {
        RealClaudeCode u = world.user(machine, protocol);
        users.put(name, u);
        machineOf.put(name, machine);
        return u;
    }

    private static String[] model(String... more) {
        List<String> a = new ArrayList<>(List.of("--model", MODEL));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private void alice() {
        record("alice", "plain", alice.prompt("Say hello [[plain]]", model()).ok());
        String file = alice.work().resolve("hello.py").toString();
        world.api.script("write", tool("Write", "{\"file_path\":\"" + file + "\",\"content\":\"a = 1\\nb = 2\\nc = 3\\n\"}"),
                tool("Edit", "{\"file_path\":\"" + file + "\",\"old_string\":\"b = 2\",\"new_string\":\"b = 2\\nb2 = 22\"}"),
                text("Written and edited."));
        record("alice", "write", alice.prompt("Write a file [[write]]", model("--permission-mode", "acceptEdits")).ok());
        record("alice", "reject", alice.prompt("Write elsewhere [[reject]]", model()));
        record("alice", "e429", alice.prompt("Fail [[e429]]", model()));
        record("alice", "e500", alice.prompt("Fail [[e500]]", model()));
        record("alice", "e529", alice.prompt("Fail [[e529]]", model()));
        record("alice", "e529ok", alice.prompt("Recover [[e529ok]]", model()).ok());
        String server = alice.writeHome("mcp/echo_server.py", ECHO_SERVER).toString();
        String config = alice.writeHome("mcp/mcp.json", "{\"mcpServers\":{\"echo\":{\"command\":\"python3\",\"args\":[\""
                + server + "\"]}}}").toString();
        record("alice", "mcp", alice.prompt("Use the echo tool [[mcp]]", model("--mcp-config", config,
                "--allowedTools", "mcp__echo__echo")).ok());
        alice.writeHome(".claude/skills/hello-skill/SKILL.md", "---\nname: hello-skill\ndescription: Says hello the house way."
                + " Use when asked to greet.\n---\n\nGreet with 'Hello from the skill'.\n");
        record("alice", "skill", alice.prompt("Greet [[skill]]", model("--dangerously-skip-permissions")).ok());
        record("alice", "idle", alice.prompt("Wait a bit [[idle]]", model("--dangerously-skip-permissions")).ok());
        // An IDE changes the mode through the SDK's control request; the interactive shift+tab cannot be typed here.
        String stdin = modeChange("mode-1", "acceptEdits") + modeChange("mode-2", "bypassPermissions")
                + "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"Note the mode [[mode]]\"},"
                + "\"parent_tool_use_id\":null,\"session_id\":\"\"}\n";
        record("alice", "mode", alice.run(Duration.ofSeconds(90), List.of("-p", "--input-format", "stream-json", "--output-format",
                "stream-json", "--verbose", "--model", MODEL, "--allow-dangerously-skip-permissions"), stdin).ok());
    }

    private static String modeChange(String id, String mode) {
        return "{\"type\":\"control_request\",\"request_id\":\"" + id + "\",\"request\":{\"subtype\":\"set_permission_mode\","
                + "\"mode\":\"" + mode + "\"}}\n";
    }

    private void bob() {
        record("bob", "plain-bob", bob.prompt("Say hello [[plain]]", model()).ok());
        bob.writeHome("work/README.md", "# a project\n");
        record("bob", "git", bob.prompt("Commit [[git]]", model("--dangerously-skip-permissions")).ok());
        record("bob", "pr", bob.prompt("Open a pull request [[pr]]", model("--dangerously-skip-permissions")).ok());
        record("bob", "sub", bob.prompt("Ask the helper [[sub]]", model("--dangerously-skip-permissions", "--agents",
                "{\"helper\":{\"description\":\"Says hi\",\"prompt\":\"You say hi.\",\"model\":\"haiku\"}}")).ok());
        record("bob", "subgp", bob.prompt("Ask general-purpose [[subgp]]", model("--dangerously-skip-permissions")).ok());
        String settings = bob.writeHome("hooks-settings.json", """
                {"hooks": {
                  "UserPromptSubmit": [{"hooks": [{"type": "command", "command": "echo prompt-hook"}]}],
                  "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "true"}]}],
                  "Stop": [{"hooks": [{"type": "command", "command": "true"}]}]
                }}
                """).toString();
        record("bob", "hook", bob.prompt("Run a command [[hook]]", model("--dangerously-skip-permissions", "--settings", settings)).ok());
        record("bob", "refuse", bob.prompt("Something refused [[refuse]]", model()));
        record("bob", "bashfail", bob.prompt("List a folder [[bashfail]]", model("--dangerously-skip-permissions")).ok());
    }

    private void carolAndOthers() {
        Run first = record("carol", "oauth", carol.prompt("Say hello [[plain]]", model("--output-format", "json")).ok());
        String session = sessionId(first);
        record("carol", "resume", carol.prompt("Again [[plain]]", model("--resume", session)).ok());
        record("carol", "continue", carol.prompt("And again [[plain]]", model("--continue")).ok());
        record("carol", "compact", carol.prompt("/compact", model("--resume", session)).ok());
        record("dave", "noattrs", users.get("dave").prompt("Say hello [[plain]]", model()).ok());
        record("erin", "servicename", users.get("erin").prompt("Say hello [[plain]]", model()).ok());
        record("frank", "cumulative", users.get("frank").prompt("Wait a bit [[cumulative]]", model("--dangerously-skip-permissions")).ok());
    }

    /** Median time from a plain session's process start to its first request at the stand-in. */
    long coldStartMedianMs() {
        List<Long> ms = new ArrayList<>();
        for (String scenario : List.of("plain", "plain-bob", "noattrs", "servicename")) {
            Run run = byScenario.get(scenario);
            world.api.requests("plain").stream().filter(r -> !r.at().isBefore(run.started())).findFirst()
                    .ifPresent(r -> ms.add(Duration.between(run.started(), r.at()).toMillis()));
        }
        Collections.sort(ms);
        return ms.isEmpty() ? -1 : ms.get(ms.size() / 2);
    }

    /** The session two processes shared, and the runs. */
    record Collision(String sessionId, List<Run> runs) {
    }

    /**
     * gina (cumulative temporality, laptop) starts a session on {@code chain}'s collector, then resumes it
     * twice at once (anthropics/claude-code #56317): process A reaches $3-worth of requests and sleeps, B
     * starts and sends its first ($1-worth), A its fourth, B its second. Each exports its own running total,
     * so the one exported series falls twice: from A's three to B's one, from A's four to B's two.
     */
    static Collision collide(AnthropicApiDouble api, dev.migrate.testsupport.RealChain chain) throws Exception {
        api.script("collide0", text("First."));
        api.script("collideA", tool("Bash", "{\"command\":\"true\",\"description\":\"nothing\"}"),
                tool("Bash", "{\"command\":\"true\",\"description\":\"nothing\"}"),
                tool("Bash", "{\"command\":\"sleep 6\",\"description\":\"wait\"}"), text("A done."));
        api.script("collideB", tool("Bash", "{\"command\":\"sleep 6\",\"description\":\"wait\"}"), text("B done."));
        RealClaudeCode gina = RealClaudeCode.user(api, chain.collector.httpEndpoint(), "http/protobuf", "laptop")
                .env("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "cumulative");
        try {
            Run first = gina.prompt("Start [[collide0]]", model("--output-format", "json")).ok();
            String session = sessionId(first);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Run> a = pool.submit(() -> gina.prompt("Work [[collideA]]", model("--resume", session,
                        "--dangerously-skip-permissions")));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (api.requests("collideA").size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                Thread.sleep(2000); // A's total of three requests exported and scraped
                Future<Run> b = pool.submit(() -> gina.prompt("Work too [[collideB]]", model("--resume", session,
                        "--dangerously-skip-permissions")));
                return new Collision(session, List.of(first, a.get().ok(), b.get().ok()));
            } finally {
                pool.shutdownNow();
            }
        } finally {
            gina.delete();
        }
    }

    /** Messages requests of this world the stand-in answered with a message: each is one api_request event. */
    int apiRequests() {
        return (int) world.api.requests().stream().filter(r -> r.path().equals("/v1/messages") && r.status() == 200
                && (r.marker() == null || !r.marker().startsWith("collide"))).count();
    }

    static String sessionId(Run run) {
        try {
            JsonNode doc = Json.MAPPER.readTree(run.out());
            String id = doc.path("session_id").asText("");
            if (id.isEmpty()) {
                throw new AssertionError("no session_id in the client's JSON result: " + run.out());
            }
            return id;
        } catch (IOException e) {
            throw new AssertionError("the client's --output-format json is not JSON: " + run.out(), e);
        }
    }

    /** A stdio MCP server with one tool, echo (JSON-RPC 2.0 lines, as the MCP spec's stdio transport). */
    static final String ECHO_SERVER = """
            import json, sys
            for line in sys.stdin:
                msg = json.loads(line)
                if "id" not in msg:
                    continue
                method, result = msg.get("method"), None
                if method == "initialize":
                    result = {"protocolVersion": msg["params"].get("protocolVersion", "2025-06-18"),
                              "capabilities": {"tools": {}}, "serverInfo": {"name": "echo", "version": "1.0.0"}}
                elif method == "tools/list":
                    result = {"tools": [{"name": "echo", "description": "Echoes its text",
                              "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}}}]}
                elif method == "tools/call":
                    result = {"content": [{"type": "text", "text": msg["params"]["arguments"].get("text", "")}]}
                elif method == "ping":
                    result = {}
                if result is None:
                    reply = {"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "no such method"}}
                else:
                    reply = {"jsonrpc": "2.0", "id": msg["id"], "result": result}
                sys.stdout.write(json.dumps(reply) + "\\n")
                sys.stdout.flush()
            """;
}
