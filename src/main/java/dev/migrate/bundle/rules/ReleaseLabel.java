package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;

/**
 * The ServiceMonitor and PrometheusRule carry release=&lt;prometheus-release&gt;, which
 * kube-prometheus-stack's default selectors require (prometheus-operator #1470).
 */
public final class ReleaseLabel extends NamedRule {
    public static final String NAME = "monitors.release-label";

    public ReleaseLabel() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        String release = settings.prometheusRelease();
        List<String> problems = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        for (String kind : List.of("ServiceMonitor", "PrometheusRule")) {
            List<JsonNode> objects = Parsed.objects(bundle, kind);
            if (objects.isEmpty()) {
                problems.add("no " + kind);
            }
            for (JsonNode o : objects) {
                String name = kind + "/" + o.path("metadata").path("name").asText();
                String label = o.path("metadata").path("labels").path("release").asText(null);
                if (release.equals(label)) {
                    ok.add(name);
                } else {
                    problems.add(name + " has release=" + (label == null ? "(none)" : label));
                }
            }
        }
        if (problems.isEmpty()) {
            return CheckResult.pass(NAME, String.join(", ", ok) + " labelled release=" + release);
        }
        return CheckResult.fail(NAME, String.join("; ", problems) + " (expected release=" + release + ")",
                "kube-prometheus-stack only picks up ServiceMonitors and PrometheusRules labelled release=<its Helm "
                        + "release>: the collector would never be scraped and the alerts never loaded",
                "label them release: " + release + ", or set " + SettingKeys.PROMETHEUS_RELEASE.name()
                        + " to the Helm release name of kube-prometheus-stack");
    }
}
