package dev.migrate.backport;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Compose rules on the rendered file and on files that would lose the v1.1.1 data or stay up. */
class ComposeRulesTest {
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    static Map<String, Object> rendered() throws Exception {
        // through YAML text, as a file read back, so the rules see what Compose would see
        return Json.YAML.readValue(ComposeFile.text(BackportSources.of(Settings.defaults(), "")), TREE);
    }

    static CheckResult rule(List<CheckResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theRenderedFilePassesEveryRuleFromAnyDirectory() throws Exception {
        for (String dirProject : List.of("claude-monitoring", "claude-code-monitoring")) {
            List<CheckResult> results = ComposeRules.check(rendered(), "claude-monitoring", dirProject);
            assertTrue(results.stream().allMatch(r -> r.status() == Status.PASS), results.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void volumesThatWouldOrphanTheV1DataAreRefused() throws Exception {
        // Without name:, the real name depends on the directory: right only in claude-monitoring.
        Map<String, Object> unnamed = rendered();
        ((Map<String, Object>) unnamed.get("volumes")).replaceAll((k, v) -> new LinkedHashMap<>());
        assertEquals(Status.PASS, ComposeRules.volumesKept(unnamed, "claude-monitoring", "claude-monitoring").status());
        CheckResult elsewhere = ComposeRules.volumesKept(unnamed, "claude-monitoring", "claude-code-monitoring");
        assertEquals(Status.FAIL, elsewhere.status());
        assertTrue(elsewhere.observed().contains("would use claude-code-monitoring_claude_prometheus_data, not"
                + " claude-monitoring_claude_prometheus_data"), elsewhere.observed());

        // A renamed key (prometheus_data instead of claude_prometheus_data) makes a new, empty volume.
        Map<String, Object> renamed = rendered();
        Map<String, Object> prom = (Map<String, Object>) ((Map<String, Object>) renamed.get("services")).get(OldStack.PROMETHEUS);
        prom.put("volumes", List.of("prometheus_data:/prometheus"));
        ((Map<String, Object>) renamed.get("volumes")).put("prometheus_data", new LinkedHashMap<>());
        assertEquals(Status.FAIL, ComposeRules.volumesKept(renamed, "claude-monitoring", "claude-monitoring").status());

        // Mounted somewhere else than where Prometheus keeps its data.
        prom.put("volumes", List.of("claude_prometheus_data:/data"));
        CheckResult moved = ComposeRules.volumesKept(renamed, "claude-monitoring", "claude-monitoring");
        assertEquals(Status.FAIL, moved.status());
        assertTrue(moved.observed().contains("mounts nothing at /prometheus"), moved.observed());
    }

    @Test
    @SuppressWarnings("unchecked")
    void latestImagesRestartAlwaysAndMissingPortsAreRefused() throws Exception {
        Map<String, Object> c = rendered();
        Map<String, Object> grafana = (Map<String, Object>) ((Map<String, Object>) c.get("services")).get(OldStack.GRAFANA);
        grafana.put("image", "grafana/grafana:latest");
        grafana.put("restart", "always");
        grafana.put("ports", List.of("3000:3000"));
        List<CheckResult> results = ComposeRules.check(c, "claude-monitoring", "claude-monitoring");
        assertEquals(Status.FAIL, rule(results, ComposeRules.IMAGES_PINNED).status());
        assertEquals(Status.FAIL, rule(results, ComposeRules.RESTART_STOPPABLE).status());
        CheckResult ports = rule(results, ComposeRules.PORTS_KEPT);
        assertEquals(Status.FAIL, ports.status());
        assertTrue(ports.observed().contains("do not include [3030]"), ports.observed());
    }
}
