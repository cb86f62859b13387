package dev.migrate.realclient;

import dev.migrate.Json;
import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.ManagedProcess;
import dev.migrate.testsupport.RealClaudeCode;
import dev.migrate.testsupport.RealClientWorld;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Onboarding through Claude Code's own settings: a real client 2.1.328 whose environment says nothing
 * about telemetry (only HOME, the Anthropic API double's URL and key, and the harness's offline and
 * sandbox switches) sends its session to the real collector and Prometheus 3 because
 * {@code migrate client-env --write-settings} wrote the {@code env} block it reads, the user's own
 * settings file or the machine's managed-settings file.
 */
class ClientSettingsTest {
    static RealClientWorld world;

    @BeforeAll
    static void start() {
        world = new RealClientWorld();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    /** A user with no telemetry variable at all (what an IDE or a launcher starts Claude Code with). */
    static RealClaudeCode bareUser() {
        RealClaudeCode u = world.user("unused", "grpc");
        for (String name : u.environment().keySet()) {
            if (name.startsWith("OTEL_") || name.equals("CLAUDE_CODE_ENABLE_TELEMETRY")) {
                u.without(name);
            }
        }
        assertTrue(u.environment().keySet().stream().noneMatch(k -> k.contains("OTEL") || k.contains("TELEMETRY")),
                u.environment().toString());
        return u;
    }

    static CliRun writeSettings(String machine, Path file) {
        CliRun run = CliRun.of("client-env", "--machine-name", machine, "--otlp-endpoint", world.collector.grpcEndpoint(),
                "--write-settings", "--settings-file", file.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        return run;
    }

    /** The user.id the client sends: its per-install userID in ~/.claude.json. */
    static String userId(RealClaudeCode u) throws Exception {
        String id = Json.MAPPER.readTree(Files.readString(u.home().resolve(".claude.json"))).path("userID").asText();
        assertTrue(id.matches("[0-9a-f]{64}"), "userID in ~/.claude.json: " + id);
        return id;
    }

    static void awaitSession(String machine, String user) {
        world.prometheus.awaitValue("sum(claude_code_session_count_total{machine_name=\"" + machine + "\",user=\"" + user + "\"})",
                1, Duration.ofSeconds(30));
        world.prometheus.awaitQuery("claude_code_cost_usage_USD_total{machine_name=\"" + machine + "\",user=\"" + user + "\"} > 0",
                Duration.ofSeconds(30));
    }

    @Test
    void aSessionArrivesUnderTheMachineNameTheUsersSettingsGive() throws Exception {
        RealClaudeCode u = bareUser();
        // the user's other settings are theirs: the merge keeps them
        u.writeHome(".claude/settings.json", "{\"theme\": \"dark\", \"env\": {\"EDITOR\": \"vi\"}}");
        writeSettings("ide-laptop", u.home().resolve(".claude/settings.json"));
        u.prompt("say hello").ok();
        awaitSession("ide-laptop", userId(u));
        var settings = Json.MAPPER.readTree(Files.readString(u.home().resolve(".claude/settings.json")));
        assertEquals("dark", settings.path("theme").asText());
        assertEquals("vi", settings.at("/env/EDITOR").asText());
    }

    /**
     * The machine's managed-settings file. Claude Code 2.1.328 reads it from /etc/claude-code only (its
     * CLAUDE_CODE_MANAGED_SETTINGS_PATH override is compiled out of the public build), and a test must not
     * write to the host's /etc: the client runs in a private mount namespace whose /etc is an overlay of the
     * host's with a managed-settings.json added (nothing reaches the host's /etc). client-env writes the file
     * with --settings-file (--managed is the same merge onto /etc/claude-code/managed-settings.json, 0644).
     */
    @Test
    void aSessionArrivesUnderTheMachineNameTheManagedSettingsGive() throws Exception {
        RealClaudeCode u = bareUser();
        Path overlay = ManagedProcess.tempDir("etc-overlay");
        Path upper = Files.createDirectories(overlay.resolve("upper"));
        Files.createDirectories(overlay.resolve("work"));
        writeSettings("shared-box", upper.resolve("claude-code/managed-settings.json"));
        u.launcher(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t overlay overlay -o lowerdir=/etc,upperdir=\"$0\"/upper,workdir=\"$0\"/work /etc && exec \"$@\"",
                overlay.toString()));
        u.prompt("say hello").ok();
        awaitSession("shared-box", userId(u));
        assertTrue(!Files.exists(Path.of("/etc/claude-code/managed-settings.json"))
                || !Files.readString(Path.of("/etc/claude-code/managed-settings.json")).contains("shared-box"),
                "the host's /etc was touched");
    }
}
