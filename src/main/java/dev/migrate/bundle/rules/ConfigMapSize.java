package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every ConfigMap fits what the API server stores: at most 1 MiB per object (etcd's request
 * limit). A large exported dashboard is the usual way to hit it; the apply would be rejected.
 */
public final class ConfigMapSize extends NamedRule {
    public static final String NAME = "objects.configmap-size";
    /** 1 MiB minus room for metadata and the JSON envelope. */
    static final int LIMIT_BYTES = 1_000_000;

    public ConfigMapSize() {
        super(NAME);
    }

    @Override
    public CheckResult check(Bundle bundle, Settings settings) {
        List<String> sizes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode cm : Parsed.objects(bundle, "ConfigMap")) {
            long bytes = 0;
            for (JsonNode value : cm.path("data")) {
                bytes += value.asText().getBytes(StandardCharsets.UTF_8).length;
            }
            String shown = cm.path("metadata").path("name").asText() + " " + bytes / 1024 + " KiB";
            (bytes > LIMIT_BYTES ? problems : sizes).add(shown);
        }
        return Verdict.of(NAME, problems.isEmpty() ? problems : List.of(String.join(", ", problems) + " (limit 1 MiB)"),
                String.join(", ", sizes),
                "the API server rejects objects over 1 MiB, so the apply would fail part-way through the bundle",
                "shrink the file (drop unused panels, library panels and embedded snapshots) or split the dashboard");
    }
}
