package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of the collector's own metrics must not change with the image. checks/soak.yaml, the
 * alerts and RUNBOOK name the counters with {@code _total} (otelcol_receiver_refused_metric_points_total
 * ...). {@code without_type_suffix: true} drops that suffix; the collector's changelog says that from
 * v0.152 an unset {@code without_type_suffix} (and {@code without_scope_info}) defaults to true for
 * the internal telemetry's prometheus reader. Checked on 0.149.0 with the real collector: unset and
 * {@code false} give the same names there. So: a reader that says {@code without_type_suffix: true}
 * fails on any image; one that leaves it unset fails when the collector-image release is 0.152 or
 * later, or cannot be read from the tag.
 */
public final class SelfMetricNames extends CollectorRule {
    public static final String NAME = "collector.self-metric-names";
    /** The first collector release whose reader defaults drop {@code _total} (collector changelog, not run here). */
    static final int DEFAULTS_CHANGE_MINOR = 152;
    private static final Pattern RELEASE = Pattern.compile(":v?0\\.(\\d+)\\.\\d+(?:@.*)?$");

    public SelfMetricNames() {
        super(NAME);
    }

    @Override
    CheckResult check(JsonNode config, Bundle bundle, Settings settings) {
        String image = settings.collectorImage();
        Matcher m = RELEASE.matcher(image);
        Integer minor = m.find() ? Integer.valueOf(m.group(1)) : null;
        boolean newDefaults = minor == null || minor >= DEFAULTS_CHANGE_MINOR;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> reader : Parsed.selfMetricsReaders(config)) {
            JsonNode suffix = reader.getValue().path("without_type_suffix");
            if (suffix.asBoolean(false)) {
                problems.add(reader.getKey() + " has without_type_suffix: true, which drops _total from every otelcol_* counter");
            } else if (suffix.isMissingNode() && newDefaults) {
                problems.add(reader.getKey() + " leaves without_type_suffix unset, and " + image
                        + (minor == null ? " is not a release we can read (0.152 and later default it to true)"
                        : " (0.152 or later) defaults it to true")
                        + ": otelcol_receiver_refused_metric_points_total would become otelcol_receiver_refused_metric_points");
            }
        }
        return Verdict.of(NAME, problems, "the collector's own counters keep _total on " + image,
                "soak's data-flowing, receiver-not-refusing and exporter-not-failing queries and the RUNBOOK's otelcol_*_total "
                        + "names would read nothing after the image change",
                "set without_type_suffix: false (and without_units: false, without_scope_info: false) on the pull prometheus "
                        + "reader under service.telemetry.metrics.readers");
    }
}
