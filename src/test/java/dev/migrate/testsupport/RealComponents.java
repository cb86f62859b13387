package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the third-party servers built by {@code scripts/real-components} live. The versions are
 * pinned once, in that script's {@code PIN_<component>=<version>} lines, and read from there, so a
 * test always runs the version the script builds. A binary that is missing fails the test with
 * the command that builds it; nothing skips.
 */
public final class RealComponents {
    public static final Path SCRIPT = Path.of("scripts/real-components");
    private static final Pattern PIN = Pattern.compile("^PIN_([A-Za-z0-9_-]+)=(\\S+)\\s*$", Pattern.MULTILINE);
    private static volatile Map<String, String> pins;

    private RealComponents() {
    }

    /** Every pinned component and its version, in the script's order. */
    public static Map<String, String> pins() {
        Map<String, String> p = pins;
        if (p == null) {
            try {
                String text = Files.readString(SCRIPT, StandardCharsets.UTF_8);
                Map<String, String> found = new LinkedHashMap<>();
                Matcher m = PIN.matcher(text);
                while (m.find()) {
                    found.put(m.group(1), m.group(2));
                }
                pins = p = Map.copyOf(found);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + SCRIPT + " (run the tests from the repository root)", e);
            }
        }
        return p;
    }

    public static String version(String component) {
        String v = pins().get(component);
        if (v == null) {
            throw new AssertionError("no PIN_" + component + " line in " + SCRIPT);
        }
        return v;
    }

    public static Path cache() {
        String env = System.getenv("MIGRATE_REAL_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "migrate", "real");
    }

    /**
     * The built binary {@code name} of {@code component}, e.g. {@code binary("otelcol", "otelcol-migrate")}.
     * Fails with how to build it when it is missing.
     */
    public static Path binary(String component, String name) {
        String version = version(component);
        Path path = cache().resolve(component + "-" + version).resolve(name);
        if (!Files.isExecutable(path)) {
            throw new AssertionError(component + " " + version + " is not built (" + path + " is missing): run "
                    + "scripts/real-components, which builds it from the Go module proxy (scripts/test does this first)");
        }
        return path;
    }

    /**
     * The Claude Code client's native binary, installed from npm by {@code scripts/real-components claude_code}
     * (version pinned there as PIN_claude_code). Fails with that command when it is missing.
     */
    public static Path claudeCode() {
        return claudeCode(cache());
    }

    static Path claudeCode(Path cache) {
        String version = version("claude_code");
        Path path = cache.resolve("claude_code-" + version)
                .resolve("node_modules/@anthropic-ai/claude-code-linux-x64/claude");
        if (!Files.isExecutable(path)) {
            throw new AssertionError("the Claude Code client " + version + " is not installed (" + path + " is missing): run "
                    + "scripts/real-components claude_code, which installs @anthropic-ai/claude-code@" + version
                    + " from npm (scripts/test does this first)");
        }
        return path;
    }
}
