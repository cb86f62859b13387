package dev.migrate.testsupport;

import dev.migrate.testsupport.RealClaudeCode.Run;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness around the real client: a stand-in that hangs or answers garbage never makes a test
 * wait longer than the run's timeout, the client starts only inside the private network namespace,
 * and a missing client names the command that installs it. No collector: telemetry goes to a closed
 * port (the client drops it, as it does when the collector is down).
 */
class RealClaudeCodeTest {
    private static RealClaudeCode user(AnthropicApiDouble api) {
        return RealClaudeCode.user(api, "http://127.0.0.1:" + ManagedProcess.freePort(), "grpc", "laptop");
    }

    @Test
    void aStandInThatHangsIsCutOffByTheTimeoutWithEverythingTheClientStarted() {
        try (AnthropicApiDouble api = new AnthropicApiDouble().script("hang", new AnthropicApiDouble.Hang())) {
            RealClaudeCode u = user(api);
            try {
                Run run = u.run(Duration.ofSeconds(10), List.of("-p", "Wait forever [[hang]]", "--model", "claude-sonnet-4-5"));
                assertTrue(run.timedOut(), run.toString());
                assertTrue(run.took().compareTo(Duration.ofSeconds(25)) < 0, "killed promptly after the timeout: " + run.took());
                assertFalse(api.requests("hang").isEmpty(), "the client did reach the stand-in");
                assertThrows(AssertionError.class, run::ok);
            } finally {
                u.delete();
            }
        }
    }

    @Test
    void aStandInThatAnswersGarbageEndsTheSessionWithAnErrorNotAHang() {
        try (AnthropicApiDouble api = new AnthropicApiDouble().script("junk", new AnthropicApiDouble.Garbage("<html>not the API</html>"))) {
            RealClaudeCode u = user(api);
            try {
                Run run = u.run(Duration.ofSeconds(60), List.of("-p", "Junk [[junk]]", "--model", "claude-sonnet-4-5"));
                assertFalse(run.timedOut(), run.toString());
                assertTrue(run.exitCode() != 0, "the client reports the broken reply: " + run);
            } finally {
                u.delete();
            }
        }
    }

    @Test
    void outsideThePrivateNetworkTheClientIsRefused() {
        AssertionError e = assertThrows(AssertionError.class, () -> RealClaudeCode.requirePrivateNetwork(Map.of()));
        assertTrue(e.getMessage().contains("scripts/private-net") && e.getMessage().contains("scripts/test"), e.getMessage());
        RealClaudeCode.requirePrivateNetwork(Map.of("MIGRATE_PRIVATE_NET", "10.10.30.0/24"));
    }

    @Test
    void aMissingClientNamesTheCommandThatInstallsIt() throws Exception {
        Path empty = Files.createTempDirectory("no-client");
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> RealComponents.claudeCode(empty));
            assertTrue(e.getMessage().contains("scripts/real-components claude_code")
                    && e.getMessage().contains("@anthropic-ai/claude-code@" + RealComponents.version("claude_code")), e.getMessage());
        } finally {
            Files.delete(empty);
        }
    }

    @Test
    void theClientEnvironmentIsWhatClientEnvPrintsPointedAtTheTestCollector() {
        try (AnthropicApiDouble api = new AnthropicApiDouble()) {
            RealClaudeCode u = RealClaudeCode.user(api, "http://127.0.0.1:4317", "http/protobuf", "laptop");
            RealClaudeCode none = RealClaudeCode.user(api, "http://127.0.0.1:4317", "grpc", null);
            try {
                Map<String, String> env = u.environment();
                Map<String, String> printed = RealClaudeCode.clientEnv("laptop");
                for (String kept : List.of("CLAUDE_CODE_ENABLE_TELEMETRY", "OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER",
                        "OTEL_RESOURCE_ATTRIBUTES", "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")) {
                    assertEquals(printed.get(kept), env.get(kept), kept);
                }
                assertEquals("machine.name=laptop", env.get("OTEL_RESOURCE_ATTRIBUTES"));
                assertEquals("http/protobuf", env.get("OTEL_EXPORTER_OTLP_PROTOCOL"));
                assertEquals(api.url(), env.get("ANTHROPIC_BASE_URL"));
                assertEquals("1", env.get("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"));
                assertEquals("1", env.get("DISABLE_AUTOUPDATER"));
                assertFalse(none.environment().containsKey("OTEL_RESOURCE_ATTRIBUTES"));
                assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("MAVEN") || k.startsWith("JAVA")), "nothing of the JVM's");
            } finally {
                u.delete();
                none.delete();
            }
        }
    }
}
