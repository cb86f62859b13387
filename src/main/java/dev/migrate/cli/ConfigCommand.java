package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `migrate config`: the effective settings and where each value came from. */
@Command(name = "config", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Print the effective settings and where each value came from.",
        description = {"Print the effective settings and where each value came from",
                "(default < migrate.yaml < MIGRATE_* environment < flags).",
                "",
                "Examples:",
                "",
                "  migrate config",
                "  migrate config --config ~/homelab/migrate.yaml --context homelab"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "2:bad input (a setting, flag or variable that is not valid)"})
public final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    BundleOptions bundle;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load(kube, bundle);
        if (output.json()) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (SettingKey key : SettingKeys.ALL) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("key", key.name());
                row.put("value", settings.shown(key));
                row.put("source", settings.provenance(key).describe());
                row.put("env", key.envVar());
                rows.add(row);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("settings", rows);
            doc.put("collectorMemory", settings.collectorMemory());
            doc.put("digest", settings.digest());
            spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(doc));
            return ExitCodes.OK;
        }
        int width = SettingKeys.ALL.stream().mapToInt(k -> k.name().length()).max().orElse(10);
        for (SettingKey key : SettingKeys.ALL) {
            String value = settings.raw(key).isEmpty() ? "(not set)" : settings.shown(key);
            spec.commandLine().getOut().printf("%-" + width + "s  %-45s  %s%n", key.name(), value, settings.provenance(key).describe());
        }
        spec.commandLine().getOut().println();
        // Derived, never set one by one, so that their order holds (RUNBOOK: sizing by team size).
        spec.commandLine().getOut().println("collector memory: " + settings.collectorMemory().summary());
        spec.commandLine().getOut().println("settings digest: " + settings.digest());
        return ExitCodes.OK;
    }
}
