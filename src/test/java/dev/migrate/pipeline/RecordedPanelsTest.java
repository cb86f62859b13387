package dev.migrate.pipeline;

import dev.migrate.testsupport.ClaudeCodeClient;
import dev.migrate.testsupport.DashboardPanels;
import dev.migrate.testsupport.RealChain;
import dev.migrate.testsupport.Rendered;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The panels that read the recorded increments show what their raw expressions (every session's own
 * series, as the dashboard read them before the recording rules) show, on data sent through the real
 * collector into a real Prometheus 3 running the bundle's rules, before and after a Prometheus restart
 * whose downtime is longer than the query lookback. The lookback is 3 s here (--query.lookback-delta) so
 * that an 8 s outage stands for the 5 minutes of a real one: the series come back after a gap no instant
 * selector bridges, and a session's running total must continue rather than be counted again.
 */
class RecordedPanelsTest {
    @Test
    void recordedPanelsMatchTheRawOnesAcrossAPrometheusRestartLongerThanTheLookback() {
        String rules = Rendered.prometheusRules(Rendered.bundle());
        try (RealChain chain = RealChain.withRules(rules, "--query.lookback-delta=3s");
             ClaudeCodeClient cli = chain.client("grpc", "claude-code", "laptop");
             ClaudeCodeClient desktop = chain.client("grpc", "claude-code-desktop", "desk")) {
            // one-shot counters (sessions, commits, a pull request), deltas that add up, an idle session
            cli.sessionStarted("a").cost("a", 0.25, SampleSessions.MODEL).tokens("a", "input", 1200, SampleSessions.MODEL)
                    .tokens("a", "output", 300, SampleSessions.MODEL).activeTime("a", "user", 12).linesOfCode("a", "added", 40)
                    .editDecision("a", "Edit", "accept", "Java", false).commit("a").export();
            desktop.sessionStarted("d").cost("d", 1.5, SampleSessions.MODEL).export();
            cli.cost("a", 0.5, SampleSessions.MODEL).tokens("a", "input", 800, SampleSessions.MODEL).export();
            double before = 0.25 + 1.5 + 0.5;
            chain.prometheus.awaitValue("sum(claude_code_cost_usage_USD_total)", before, Duration.ofSeconds(20));
            DashboardPanels panels = new DashboardPanels(Rendered.bundle().dashboardJson(), chain.prometheus, chain.loki);
            assertEquals(List.of(), panels.differencesFromRaw(50), "recorded and raw panels before the restart");
            assertEquals(before, panels.value("Total cost"), 1e-9);
            assertEquals(2.0, panels.value("Sessions"), 1e-9);

            // Prometheus down for longer than the lookback; the clients go on working meanwhile
            chain.stopPrometheus();
            cli.cost("a", 2, SampleSessions.MODEL).commit("a").sessionStarted("b").cost("b", 0.75, SampleSessions.MODEL)
                    .pullRequest("b").export();
            dev.migrate.testsupport.ManagedProcess.sleep(8000);
            chain.startPrometheus();
            double after = before + 2 + 0.75;
            chain.prometheus.awaitValue("sum(claude_code_cost_usage_USD_total)", after, Duration.ofSeconds(30));
            panels = new DashboardPanels(Rendered.bundle().dashboardJson(), chain.prometheus, chain.loki);
            assertEquals(List.of(), panels.differencesFromRaw(50), "recorded and raw panels after the restart");
            // what was sent, each session once: the gap neither lost the outage's growth nor counted a total twice
            assertEquals(after, panels.value("Total cost"), 1e-9);
            assertEquals(3.0, panels.value("Sessions"), 1e-9);
            assertEquals(2.0, panels.value("Commits"), 1e-9);
            assertEquals(1.0, panels.value("Pull requests"), 1e-9);
            assertEquals(1.0, panels.value("Sessions from Desktop"), 1e-9);
        }
    }

}
