package dev.migrate.data;

import dev.migrate.io.UserFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the data the code ships with (collector/, manifests/, checks/, packaged into the jar under
 * bundled/) or the operator's own copy when a setting points at one.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * @param override     the operator's file, if a setting names one
     * @param bundledPath  path under the repo's top level, e.g. "collector/config.yaml"
     * @param settingName  the setting to name in errors, e.g. "collector-config"
     */
    public static Loaded read(Optional<Path> override, String bundledPath, String settingName) {
        if (override.isPresent()) {
            Path file = override.get();
            // Collector configs and dashboards become ConfigMaps (1 MiB at most); checks files are far smaller.
            return new Loaded(file.toString(), UserFiles.read(file, settingName, UserFiles.CONFIG_MAP_CAP));
        }
        return new Loaded("built-in " + bundledPath, bundled(bundledPath));
    }

    /** A file packaged under bundled/ in the jar. */
    public static String bundled(String bundledPath) {
        try (InputStream in = DataFiles.class.getClassLoader().getResourceAsStream("bundled/" + bundledPath)) {
            if (in == null) {
                throw new IllegalStateException("bundled/" + bundledPath + " is missing from the jar; rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled/" + bundledPath, e);
        }
    }

    /**
     * Text and where it came from.
     *
     * @param origin a file path or "built-in <path>", for messages
     * @param text   the content
     */
    public record Loaded(String origin, String text) {
    }
}
