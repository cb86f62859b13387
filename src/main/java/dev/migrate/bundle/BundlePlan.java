package dev.migrate.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.migrate.Json;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What `migrate deploy` would do, as a printable value: the objects in apply order and the rule
 * results. The whole output of a dry-run; the live deploy applies exactly these objects.
 *
 * @param steps           one per object, in apply order
 * @param rules           every rule result, in rule order
 * @param settingsDigest  the digest of the settings it was rendered with
 * @param bundleDigest    SHA-256 over every rendered object, in apply order: changes whenever anything
 *                        that would be applied changes, including the content of your own files
 * @param collectorOrigin where the collector config came from
 * @param dashboardOrigin where the dashboard came from
 */
public record BundlePlan(List<Step> steps, List<CheckResult> rules, String settingsDigest, String bundleDigest,
                         String collectorOrigin, String dashboardOrigin) {

    private static final ObjectMapper COMPACT = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    public BundlePlan {
        steps = List.copyOf(steps);
        rules = List.copyOf(rules);
    }

    /**
     * One object to apply.
     *
     * @param order   1-based position in the apply order
     * @param summary one line from {@link ObjectSummary}
     */
    public record Step(int order, String apiVersion, String kind, String namespace, String name, String summary) {
    }

    public static BundlePlan of(Bundle bundle, List<CheckResult> rules, Settings settings) {
        List<Step> steps = new ArrayList<>();
        for (ManifestObject o : bundle.objects()) {
            steps.add(new Step(steps.size() + 1, o.apiVersion(), o.kind(), o.namespace(), o.name(), ObjectSummary.of(o)));
        }
        return new BundlePlan(steps, rules, settings.digest(), digest(bundle), bundle.collectorOrigin(),
                bundle.dashboardOrigin());
    }

    private static String digest(Bundle bundle) {
        try {
            return BundleRenderer.sha256(COMPACT.writeValueAsString(bundle.objects().stream().map(ManifestObject::body).toList()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendered objects are always serialisable", e);
        }
    }

    public Outcome outcome() {
        return Outcome.of(rules);
    }

    public List<CheckResult> failures() {
        return rules.stream().filter(CheckResult::failed).toList();
    }

    /**
     * The one-line error of a bundle that fails its rules, deploy's and backport's alike: "N of M rules
     * failed, first NAME: observed; fix: fix" and {@code notDone} (e.g. " (nothing was applied)").
     * Returns normally when every rule passed.
     */
    public static void throwIfFailed(List<CheckResult> rules, String notDone) {
        List<CheckResult> failed = rules.stream().filter(CheckResult::failed).toList();
        if (!failed.isEmpty()) {
            CheckResult first = failed.get(0);
            throw new dev.migrate.UserError(dev.migrate.ExitCodes.FAILED, failed.size() + " of " + rules.size()
                    + " rules failed, first " + first.name() + ": " + first.observed() + "; fix: " + first.fix() + notDone);
        }
    }

    /** The stable JSON document of `deploy --dry-run -o json`. */
    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("settingsDigest", settingsDigest);
        doc.put("bundleDigest", bundleDigest);
        doc.put("collectorConfig", collectorOrigin);
        doc.put("dashboard", dashboardOrigin);
        doc.put("plan", steps);
        List<Map<String, String>> rows = new ArrayList<>();
        for (CheckResult r : rules) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("status", r.status().label());
            row.put("observed", r.observed());
            row.put("cause", r.cause());
            row.put("fix", r.fix());
            rows.add(row);
        }
        doc.put("rules", rows);
        doc.put("outcome", outcome().label());
        return doc;
    }

    /** The text plan: objects in apply order, then each rule, then a one-line verdict. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("Plan (dry run: nothing was sent anywhere)\n");
        b.append("  collector config: ").append(collectorOrigin).append('\n');
        b.append("  dashboard:        ").append(dashboardOrigin).append('\n');
        b.append("  settings digest:  ").append(settingsDigest).append('\n');
        b.append("  bundle digest:    ").append(bundleDigest).append('\n');
        b.append("\nApply order:\n");
        int kindWidth = steps.stream().mapToInt(s -> s.kind().length()).max().orElse(4);
        int idWidth = steps.stream().mapToInt(s -> s.namespace().length() + s.name().length() + 1).max().orElse(4);
        for (Step s : steps) {
            b.append(String.format("  %d. %-" + kindWidth + "s  %-" + idWidth + "s  %s%n", s.order(), s.kind(),
                    s.namespace() + "/" + s.name(), s.summary()));
        }
        b.append("\nRules:\n");
        int nameWidth = rules.stream().mapToInt(r -> r.name().length()).max().orElse(4);
        for (CheckResult r : rules) {
            String label = r.status() == Status.PASS ? "pass" : r.status().label().toUpperCase(java.util.Locale.ROOT);
            b.append(String.format("  %-4s  %-" + nameWidth + "s  %s%n", label, r.name(), r.observed()));
            if (r.status() != Status.PASS) {
                if (!r.cause().isEmpty()) {
                    b.append("        cause: ").append(r.cause()).append('\n');
                }
                if (!r.fix().isEmpty()) {
                    b.append("        fix:   ").append(r.fix()).append('\n');
                }
            }
        }
        long passed = rules.stream().filter(r -> r.status() == Status.PASS).count();
        b.append(String.format("%nResult: %s (%d of %d rules passed, %d failed)%n", outcome().label(), passed,
                rules.size(), failures().size()));
        return b.toString();
    }
}
