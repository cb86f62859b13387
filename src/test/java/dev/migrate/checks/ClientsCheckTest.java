package dev.migrate.checks;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.RealChain;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify's clients check on what the real collector makes of each kind of client, read by the real
 * Prometheus 3 (RealChain): the seed's "test from a second machine" (both machines listed, with their users
 * and versions), and each client the dashboard would misreport, named with its fix.
 */
class ClientsCheckTest {
    static final String MODEL = "claude-sonnet-4-5";

    static CheckResult clients(RealChain chain) {
        return Contexts.run(Contexts.bundled("clients"), new Contexts.Builder().prometheus(chain.prometheus.url()).build());
    }

    static void assertMentions(CheckResult r, String... parts) {
        String all = r.observed() + " | " + r.cause() + " | " + r.fix();
        for (String p : parts) {
            assertTrue(all.contains(p), "expected '" + p + "' in: " + all);
        }
    }

    @Test
    void twoMachinesThatSendEverythingRightAreListedAndPass() {
        try (RealChain chain = RealChain.start();
             ClaudeCodeClient laptop = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", "laptop");
             ClaudeCodeClient studio = new ClaudeCodeClient(chain.collector.httpEndpoint(), "http/protobuf", "claude-code-desktop",
                     "studio", Map.of("user.email", "alice@example.com"), AggregationTemporality.DELTA)) {
            assertEquals(Status.INCONCLUSIVE, clients(chain).status(), "nothing sent yet");
            laptop.sessionStarted("k1").cost("k1", 0.5, MODEL).export();
            studio.sessionStarted("a1").export(); // a session that has not cost anything yet still shows its machine
            chain.prometheus.awaitQuery("count(claude_code_session_count_total) >= 2", Duration.ofSeconds(30));
            CheckResult r = clients(chain);
            assertEquals(Status.PASS, r.status(), r.toString());
            assertMentions(r, "2 machine(s), 2 user(s) sent data in the last 1h",
                    "laptop: user.id " + ClaudeCodeClient.userId("laptop").substring(0, 12) + "\u2026 (2.1.328, claude-code)",
                    "studio: alice@example.com (2.1.328, claude-code-desktop)");
            // the team's machines as the setting expected-machines lists them: both sent, then a third that never did
            CheckContext both = new Contexts.Builder().prometheus(chain.prometheus.url()).expectedMachines("laptop", "studio").build();
            assertEquals(Status.PASS, Contexts.run(Contexts.bundled("clients"), both).status());
            CheckResult attic = Contexts.run(Contexts.bundled("clients"),
                    new Contexts.Builder().prometheus(chain.prometheus.url()).expectedMachines("laptop", "studio", "attic").build());
            assertEquals(Status.FAIL, attic.status(), attic.toString());
            assertMentions(attic, "expected machine(s) sent nothing in the last 1h: attic (setting expected-machines)",
                    "on attic set the environment from 'migrate client-env --machine-name NAME'", "trusted-cidrs");
        }
    }

    @Test
    void namesUnnamedMachinesOldClientsOtherServiceNamesAndCollidingCumulativeClients() throws InterruptedException {
        // the batch processor's 5s would merge the two processes' exports into one; each flip must reach the exporter
        try (RealChain chain = RealChain.start("processors::batch::timeout=200ms");
             ClaudeCodeClient unnamed = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", null);
             ClaudeCodeClient old = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", "attic",
                     Map.of("service.version", "2.0.14"), AggregationTemporality.DELTA);
             ClaudeCodeClient renamed = new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "my-claude", "lab");
             ClaudeCodeClient first = cumulative(chain);
             ClaudeCodeClient second = cumulative(chain)) {
            unnamed.sessionStarted("u1").cost("u1", 1, MODEL).export();
            old.sessionStarted("o1").cost("o1", 1, MODEL).export();
            renamed.sessionStarted("r1").cost("r1", 1, MODEL).export();
            // two processes on one session with CUMULATIVE counters: the one series flips between their totals;
            // they keep flipping until Prometheus has seen three resets (a busy machine may miss a flip's scrape)
            String resets = "resets(claude_code_cost_usage_USD_total{session_id=\"shared\"}[1h]) > 2";
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            for (int i = 0; chain.prometheus.query(resets).isEmpty(); i++) {
                assertTrue(System.nanoTime() < deadline, "no third reset of the shared session within 90 s");
                first.cost("shared", i == 0 ? 0.5 : 0.001, MODEL).export();
                Thread.sleep(1500); // a scrape of each total
                second.cost("shared", i == 0 ? 0.2 : 0.001, MODEL).export();
                Thread.sleep(1500);
            }
            CheckResult r = clients(chain);
            assertEquals(Status.FAIL, r.status(), r.toString());
            assertMentions(r,
                    // listed, each machine with its user, version and service
                    "no-machine-name: user.id " + ClaudeCodeClient.userId(null).substring(0, 12),
                    "attic: user.id " + ClaudeCodeClient.userId("attic").substring(0, 12) + "\u2026 (2.0.14, claude-code)",
                    "lab: user.id " + ClaudeCodeClient.userId("lab").substring(0, 12) + "\u2026 (2.1.328, my-claude)",
                    // what is wrong, with the fix
                    "clients without machine.name (user.id " + ClaudeCodeClient.userId(null).substring(0, 12),
                    "migrate client-env --machine-name NAME",
                    "clients older than 2.1.328: 2.0.14 on attic",
                    "update Claude Code on those machines",
                    "service.name my-claude on lab is not claude-code or claude-code-desktop",
                    "unset OTEL_SERVICE_NAME",
                    "session shared on box",
                    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative");
        }
    }

    private static ClaudeCodeClient cumulative(RealChain chain) {
        return new ClaudeCodeClient(chain.collector.grpcEndpoint(), "grpc", "claude-code", "box", Map.of(),
                AggregationTemporality.CUMULATIVE);
    }

    @Test
    void aBadMinimumVersionInTheChecksFileIsASettingsErrorNamingIt() {
        Check bad = Contexts.check("- name: clients\n  kind: clients\n  series: [claude_code_session_count_total]\n"
                + "  minVersion: two");
        // refused before any query: no Prometheus listens on this port
        CheckResult r = Contexts.run(bad, new Contexts.Builder().prometheus("http://127.0.0.1:9").build());
        assertTrue(r.toString().contains("minVersion") && r.toString().contains("'two' is not a version"), r.toString());
    }
}
