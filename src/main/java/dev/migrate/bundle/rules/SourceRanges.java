package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;

import java.util.ArrayList;
import java.util.List;

/**
 * The collector's LoadBalancer admits only trusted networks: loadBalancerSourceRanges is set, every
 * entry is a CIDR, and none is a catch-all /0 (the collector takes unauthenticated OTLP writes).
 */
public final class SourceRanges extends NamedRule {
    public static final String NAME = "service.source-ranges";

    public SourceRanges() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<String> ranges = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode service : Parsed.objects(bundle, "Service")) {
            if (!"LoadBalancer".equals(service.path("spec").path("type").asText())) {
                continue;
            }
            List<String> own = Parsed.texts(service.path("spec").path("loadBalancerSourceRanges"));
            if (own.isEmpty()) {
                problems.add("Service/" + service.path("metadata").path("name").asText() + " has no loadBalancerSourceRanges");
            }
            for (String cidr : own) {
                if (!Values.isCidr(cidr)) {
                    problems.add("'" + cidr + "' is not an IPv4 CIDR");
                } else if (cidr.endsWith("/0")) {
                    problems.add(cidr + " admits every address");
                }
            }
            ranges.addAll(own);
        }
        return Verdict.of(NAME, problems, "clients from " + String.join(", ", ranges),
                "anyone who can reach the VIP could write telemetry (and cost figures) into the dashboards; the "
                        + "collector's OTLP receivers take unauthenticated writes",
                "list only your client networks with --trusted-cidr (repeatable) or " + SettingKeys.TRUSTED_CIDRS.name()
                        + " in migrate.yaml, e.g. 10.10.0.0/16");
    }
}
