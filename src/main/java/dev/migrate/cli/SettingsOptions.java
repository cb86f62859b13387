package dev.migrate.cli;

import dev.migrate.settings.Settings;
import dev.migrate.settings.SettingsLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Options every command shares: which migrate.yaml to read and where the state lives. A command
 * adds its own flags through {@link FlagSource}s and calls {@link #load}.
 */
public class SettingsOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (default: ./migrate.yaml if present, or $MIGRATE_CONFIG).")
    Path config;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where steps record their outcome and reports (default: .migrate).")
    String stateDir;

    /** Something that contributes setting overrides from its flags. */
    public interface FlagSource {
        void addFlags(Map<String, String> flags);
    }

    public Settings load(FlagSource... sources) {
        Map<String, String> flags = new LinkedHashMap<>();
        if (stateDir != null) {
            flags.put("state-dir", stateDir);
        }
        for (FlagSource source : sources) {
            source.addFlags(flags);
        }
        return SettingsLoader.load(Optional.ofNullable(config), flags);
    }
}
