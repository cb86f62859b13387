package dev.migrate.checks;

import dev.migrate.Json;
import dev.migrate.testsupport.PipelineWorld;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DashboardQueriesTest {
    @Test
    void findsPrometheusTargetsInRowsSkipsLokiAndSubstitutesVariables() throws Exception {
        List<DashboardQueries.Query> q = DashboardQueries.prometheusQueries(Json.MAPPER.readTree(PipelineWorld.DASHBOARD),
                "loki", Duration.ofHours(1));
        assertEquals(List.of("Total cost", "Tokens", "Commits"), q.stream().map(DashboardQueries.Query::panel).toList());
        assertEquals("sum(max_over_time(claude_code_cost_usage_USD_total{machine_name=~\".*\"}[3600s]))", q.get(0).expr());
        assertEquals("sum by (type) (rate(claude_code_token_usage_tokens_total[3600s]))", q.get(1).expr());
        assertEquals(Set.of("claude_code_cost_usage_USD_total", "claude_code_token_usage_tokens_total",
                "claude_code_commit_count_total"), DashboardQueries.metricNames(q));
        assertEquals("x[30s] .* .* .* 30000",
                DashboardQueries.substitute("x[$__interval] ${a} [[b]] ${c:regex} $__interval_ms", Duration.ofSeconds(30)));
    }

    @Test
    void aNameRegexIsReportedAsTheRegexNotAsAPrefixOfIt() {
        DashboardQueries.Query q = new DashboardQueries.Query("Edits", "A",
                "sum(max_over_time({__name__=~\"claude_code_code_edit_tool_decision(_count)?_total\"}[1h]))");
        Set<String> names = DashboardQueries.metricNames(List.of(q));
        assertEquals(Set.of("claude_code_code_edit_tool_decision(_count)?_total"), names);
        assertEquals(true, DashboardQueries.isNameRegex(names.iterator().next()));
        assertEquals(false, DashboardQueries.isNameRegex("claude_code_cost_usage_USD_total"));
    }
}
