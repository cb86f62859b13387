package dev.migrate.backport;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Outcome;
import dev.migrate.checks.Status;
import dev.migrate.cluster.Trees;
import dev.migrate.data.OutputDirectory;
import dev.migrate.data.OutputDirectory.OutputFile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What `migrate backport` writes, as a printable value: every file and every rule result (the
 * bundle's rules over the Compose render, then the Compose rules). Without --out this is the whole
 * output; with --out the same files are written, only if every rule passed.
 *
 * @param dirProject the Compose project the file will run in (the target directory's name)
 */
public record BackportPlan(BackportSources sources, String dirProject, List<OutputFile> files, List<CheckResult> rules) {
    /** Compose file names Compose looks for, in its order. */
    public static final List<String> COMPOSE_NAMES = List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");
    /** Suffix of the copy kept of each v1.1.1 file the upgrade replaces (Grafana and Prometheus ignore such names). */
    public static final String V1_SUFFIX = "." + OldStack.VERSION;
    /** Suffix of the copy kept of a file an earlier backport without a record of its writes would change. */
    public static final String PREVIOUS_SUFFIX = ".previous";
    private static final TypeReference<LinkedHashMap<String, Object>> TREE = new TypeReference<>() {
    };

    public BackportPlan {
        files = List.copyOf(files);
        rules = List.copyOf(rules);
    }

    public static BackportPlan of(BackportSources s, String dirProject) {
        List<OutputFile> files = new ArrayList<>();
        files.add(new OutputFile(ComposeFile.FILE, ComposeFile.text(s)));
        files.addAll(StackFiles.of(s));
        files.addAll(KubernetesGuide.of(s));
        files.add(ReleaseSnippets.of(s));
        List<CheckResult> rules = new ArrayList<>(s.bundleRules());
        rules.addAll(ComposeRules.check(ComposeFile.tree(s), s.project(), dirProject));
        return new BackportPlan(s, dirProject, files, rules);
    }

    /** The project name Compose derives from a directory name (lower case, only [a-z0-9_-]). */
    public static String projectOf(String directoryName) {
        return directoryName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "");
    }

    public Outcome outcome() {
        return Outcome.of(rules);
    }

    /**
     * Decides whether the directory may take the stack, and returns the files to write plus the
     * copies that keep what was there. Allowed: an empty or new directory, a directory this command
     * wrote for the same project, and the v1.1.1 directory of the project itself (the upgrade).
     * Refused: a Compose file of another project, a non-empty directory with no Compose file, and,
     * without {@code force}, a directory where a person edited a file this command wrote.
     * Nothing a person wrote is ever replaced without a copy next to it:
     * <ul>
     *   <li>an earlier backport: a file edited since it was written is refused, or with --force kept as
     *   {@code <file>.edited} ({@link OutputDirectory#keepingEdits}); a backport written before the
     *   directory recorded what it wrote cannot tell edits from its own text, so every file it changes
     *   is kept as {@code <file>.previous};</li>
     *   <li>the v1.1.1 directory: every file the upgrade replaces is kept as {@code <file>.v1.1.1}, or,
     *   when a different copy of that name is already there (an earlier attempt), under the next free
     *   name ({@code .v1.1.1-2} ...), so neither the edited file nor the older copy is lost.</li>
     * </ul>
     */
    public List<OutputFile> forTarget(OutputDirectory out, boolean force) {
        List<String> entries = out.entries();
        if (entries.isEmpty()) {
            return files;
        }
        Optional<String> composeName = COMPOSE_NAMES.stream().filter(entries::contains).findFirst();
        if (composeName.isEmpty()) {
            throw new UserError("--out " + out.dir() + " is not empty and holds no Compose project (" + preview(entries)
                    + "); choose an empty directory, or the " + OldStack.VERSION + " directory to upgrade it");
        }
        String text = out.read(composeName.get()).orElse("");
        Map<String, Object> parsed;
        try {
            parsed = Json.YAML.readValue(text, TREE);
        } catch (IOException e) {
            throw new UserError("--out " + out.dir().resolve(composeName.get()) + " is not a readable Compose file ("
                    + e.getMessage().lines().findFirst().orElse("") + "); choose another directory");
        }
        Map<String, Object> tree = parsed == null ? Map.of() : parsed;
        String marked = Trees.text(tree, ComposeFile.MARKER, "project");
        String project = sources.project();
        if (!marked.isEmpty()) {
            if (!marked.equals(project)) {
                throw new UserError("--out " + out.dir() + " holds the backport of another Compose project ('" + marked
                        + "', not '" + project + "'); choose another directory or set compose-project: " + marked);
            }
            // our own earlier backport of this project: bring it up to date, keeping what a person changed
            return out.written().isEmpty() ? withCopies(out, PREVIOUS_SUFFIX) : out.keepingEdits(files, force, "migrate backport");
        }
        boolean v1 = OldStack.VOLUMES.stream().allMatch(v -> Trees.at(tree, "volumes") instanceof Map<?, ?> m
                && m.containsKey(v.key()));
        if (!v1 || !dirProject.equals(project) || !composeName.get().equals(ComposeFile.FILE)) {
            Set<String> services = Trees.at(tree, "services") instanceof Map<?, ?> m
                    ? new java.util.TreeSet<>(m.keySet().stream().map(String::valueOf).toList()) : Set.of();
            throw new UserError("--out " + out.dir() + " holds a different Compose project ('" + dirProject + "', services "
                    + services + ") than the " + OldStack.VERSION + " stack of '" + project + "'; choose an empty directory"
                    + " or the " + OldStack.VERSION + " directory (named " + project + ")");
        }
        return withCopies(out, V1_SUFFIX);
    }

    /** The files, plus a copy of every existing file they change (unless an identical copy of that name is there). */
    private List<OutputFile> withCopies(OutputDirectory out, String suffix) {
        List<OutputFile> result = new ArrayList<>(files);
        List<String> taken = new ArrayList<>(files.stream().map(OutputFile::path).toList());
        for (OutputFile f : files) {
            Optional<String> old = out.read(f.path());
            if (old.isEmpty() || old.get().equals(f.content()) || old.equals(out.read(f.path() + suffix))) {
                continue;
            }
            String copy = out.freeName(f.path(), suffix, taken);
            taken.add(copy);
            result.add(new OutputFile(copy, old.get()));
        }
        return result;
    }

    /** Whether a file of a write is a copy of what was there, not part of the stack (for the summary). */
    public static boolean isCopy(String path) {
        return path.matches(".*(" + java.util.regex.Pattern.quote(V1_SUFFIX) + "|" + java.util.regex.Pattern.quote(PREVIOUS_SUFFIX)
                + "|" + java.util.regex.Pattern.quote(OutputDirectory.EDITED_SUFFIX) + ")(-\\d+)?");
    }

    private static String preview(List<String> entries) {
        return String.join(", ", entries.subList(0, Math.min(5, entries.size()))) + (entries.size() > 5 ? ", ..." : "");
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("backport: Docker Compose stack of project ").append(sources.project()).append(" (nothing written;")
                .append(" --out DIR writes these files)\n");
        for (OutputFile f : files) {
            b.append(String.format("  %-52s %7d bytes  %s%n", f.path(), f.bytes(), StackFiles.digest(f)));
        }
        b.append("\nRules:\n");
        int width = rules.stream().mapToInt(r -> r.name().length()).max().orElse(4);
        for (CheckResult r : rules) {
            String label = r.status() == Status.PASS ? "pass" : r.status().label().toUpperCase(Locale.ROOT);
            b.append(String.format("  %-4s  %-" + width + "s  %s%n", label, r.name(), r.observed()));
            if (r.status() != Status.PASS) {
                b.append("        cause: ").append(r.cause()).append('\n').append("        fix:   ").append(r.fix()).append('\n');
            }
        }
        long passed = rules.stream().filter(r -> r.status() == Status.PASS).count();
        b.append(String.format("%nResult: %s (%d of %d rules passed)%n", outcome().label(), passed, rules.size()));
        return b.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", "migrate.backport/v1");
        doc.put("project", sources.project());
        doc.put("files", files.stream().map(OutputFile::toJson).toList());
        doc.put("rules", rules);
        doc.put("outcome", outcome().label());
        return doc;
    }
}
