package dev.migrate.report;

import dev.migrate.UserError;
import dev.migrate.io.PrivateFiles;
import dev.migrate.settings.Settings;
import dev.migrate.settings.SettingsLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way a report reaches a path the operator names (--junit FILE, and any report flag
 * added later). Checked before the step makes its first remote call ({@link #check}), written at
 * the end ({@link #write}):
 * <ul>
 *   <li>never inside the state directory (the ledger and journals live there) nor onto the
 *       settings file in use or a migrate.yaml;</li>
 *   <li>never onto a directory, FIFO or device (an atomic rename would replace the device node);</li>
 *   <li>an existing file that is not a report of ours (its first bytes lack the report's marker)
 *       is replaced only with --force; an empty file counts as ours;</li>
 *   <li>written through a temp file and a rename, 0600 from the first byte, so a full disk leaves
 *       the old file (or none), never a 0-byte or half-written one.</li>
 * </ul>
 */
public final class ReportWriter {
    private static final int SNIFF = 4096;

    private final Path stateDir;
    private final List<Path> settingsFiles = new ArrayList<>();
    private final boolean force;

    /** @param force the command's --force: replace a file that is not a report of ours */
    public ReportWriter(Settings settings, boolean force) {
        this.stateDir = settings.stateDir();
        settings.file().ifPresent(settingsFiles::add);
        settingsFiles.add(Path.of(SettingsLoader.DEFAULT_FILE));
        String env = System.getenv(SettingsLoader.CONFIG_ENV);
        if (env != null && !env.isBlank() && dev.migrate.settings.Values.firstControl(env) < 0) {
            settingsFiles.add(Path.of(env));
        }
        this.force = force;
    }

    /**
     * Refuses a path this report may not go to; no file is created.
     *
     * @param flag   the flag that named it, e.g. "--junit"
     * @param marker text the first bytes of any report of ours of this kind contain
     */
    public void check(String flag, Path path, String marker) {
        String name = flag + " " + path;
        Path abs = canonical(path);
        if (abs.startsWith(canonical(stateDir))) {
            throw new UserError(name + " is inside the state directory " + stateDir + ", where migrate keeps its ledger"
                    + " and journals; write the report somewhere else");
        }
        for (Path settings : settingsFiles) {
            if (abs.equals(canonical(settings))) {
                throw new UserError(name + " is the settings file " + settings + "; write the report somewhere else");
            }
        }
        String fileName = abs.getFileName() == null ? "" : abs.getFileName().toString();
        if (fileName.equals("migrate.yaml") || fileName.equals("migrate.yml")) {
            throw new UserError(name + " is named like a settings file; write the report to another name");
        }
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserError(name + ": the directory " + parent + " does not exist; create it or choose another path");
        }
        if (Files.exists(abs)) {
            if (Files.isDirectory(abs)) {
                throw new UserError(name + " is a directory; give a file path for the report");
            }
            if (!Files.isRegularFile(abs)) {
                throw new UserError(name + " is not a regular file (a FIFO or a device such as /dev/null);"
                        + " give a file path for the report");
            }
            if (!force && !ours(abs, marker)) {
                throw new UserError(name + " exists and is not a migrate report; choose another path, or add --force"
                        + " to replace it");
            }
        }
    }

    /** {@link #check}, then writes {@code content} atomically (0600). */
    public void write(String flag, Path path, String content, String marker) {
        check(flag, path, marker);
        try {
            PrivateFiles.replace(canonical(path), dev.migrate.io.Secrets.redact(content).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(flag + " " + path + ": cannot write the report (" + PrivateFiles.reason(e)
                    + "); nothing was written there (an older file is unchanged); free space or choose another path");
        }
    }

    private static boolean ours(Path file, String marker) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SNIFF);
            return head.length == 0 || new String(head, StandardCharsets.UTF_8).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    /** Absolute and normalized, with symlinks of the longest existing prefix resolved. */
    private static Path canonical(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
