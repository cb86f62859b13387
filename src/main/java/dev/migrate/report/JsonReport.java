package dev.migrate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable JSON form of a run (documented in the verify runbook). Fields are only ever added;
 * {@code schema} changes if one is renamed or removed.
 * <pre>
 * {"schema":"migrate.check-report/v1","step":"verify","startedAt":"..Z","finishedAt":"..Z","elapsedMs":812,
 *  "outcome":"passed|failed|inconclusive","exitCode":0,
 *  "counts":{"fail":0,"inconclusive":0,"pass":9,"skipped":2},
 *  "results":[{"name":"scrape-target","status":"pass|fail|inconclusive|skipped","observed":"..","cause":"..",
 *              "fix":"..","elapsedMs":12}]}
 * </pre>
 */
public final class JsonReport {
    public static final String SCHEMA = "migrate.check-report/v1";

    private JsonReport() {
    }

    public static Map<String, Object> document(RunReport report) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("step", report.step());
        doc.put("startedAt", report.startedAt().toString());
        doc.put("finishedAt", report.finishedAt().toString());
        doc.put("elapsedMs", report.elapsed().toMillis());
        doc.put("outcome", report.outcome().label());
        doc.put("exitCode", report.outcome().exitCode());
        doc.put("counts", report.counts());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CheckResult r : report.results()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("status", r.status().label());
            row.put("observed", r.observed());
            row.put("cause", r.cause());
            row.put("fix", r.fix());
            row.put("elapsedMs", r.elapsed().toMillis());
            rows.add(row);
        }
        doc.put("results", rows);
        return doc;
    }

    public static String render(RunReport report) {
        try {
            return Json.MAPPER.writeValueAsString(document(report)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
