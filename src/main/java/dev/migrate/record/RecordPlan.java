package dev.migrate.record;

import dev.migrate.UserError;
import dev.migrate.data.OutputDirectory;
import dev.migrate.data.OutputDirectory.OutputFile;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What `migrate record` writes, as a printable value: the rebuild guide and the snippets file. The
 * text and JSON output of a run without --out is this value; with --out the same files are written.
 *
 * @param snippets snippet name to markdown (also inside the snippets file)
 */
public record RecordPlan(RecordSources sources, List<OutputFile> files, Map<String, String> snippets) {
    private static final Map<String, String> SNIPPET_TITLES = Map.of(
            DocSnippets.VIPS, "VIPs table (name | address | DNS name | announced by)",
            DocSnippets.LOAD_BALANCERS, "LoadBalancer Services table (name | address | ports | namespace)",
            DocSnippets.COMPONENTS, "Components table (component | version)",
            DocSnippets.VERSION_HISTORY, "Version history (date | change)",
            DocSnippets.MONITORING, "Monitoring section");

    public RecordPlan {
        files = List.copyOf(files);
        snippets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(snippets));
    }

    public static RecordPlan of(RecordSources s) {
        Map<String, String> snippets = DocSnippets.of(s);
        StringBuilder b = new StringBuilder(s.marker()).append('\n');
        b.append("# claude-monitoring v").append(s.version()).append(": doc snippets\n\n");
        b.append("Each block is ready to paste into the table or page its heading names.\n");
        snippets.forEach((name, md) -> b.append("\n## ").append(SNIPPET_TITLES.get(name)).append("\n\n````markdown\n")
                .append(md).append("````\n"));
        return new RecordPlan(s, List.of(new OutputFile(s.guideFile(), RebuildGuide.render(s)),
                new OutputFile(s.snippetsFile(), b.toString())), snippets);
    }

    /**
     * Refuses to overwrite a file this migration's record did not write: a record of another
     * migration, or a file migrate did not write at all (unless {@code force}). Other files in the
     * directory are left alone (a docs/rebuild directory holds the guides of other versions).
     */
    public void checkTarget(OutputDirectory out, boolean force) {
        if (force) {
            return;
        }
        for (OutputFile f : files) {
            Optional<String> existing = out.read(f.path());
            if (existing.isEmpty()) {
                continue;
            }
            String first = existing.get().lines().findFirst().orElse("");
            if (first.equals(sources.marker())) {
                continue; // this migration's own record: a later run brings it up to date
            }
            Path file = out.dir().resolve(f.path());
            throw new UserError(first.startsWith("<!-- written by migrate record from migration ")
                    ? "--out " + file + " holds a record of another migration (" + first.replaceAll(".*migration (\\S+);.*", "$1")
                    + "); write this one elsewhere, or replace it with --force"
                    : "--out " + file + " exists and was not written by migrate record; move it away, choose another"
                    + " --out, or replace it with --force");
        }
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("record of migration ").append(sources.facts().migrationId()).append(" (nothing written; --out DIR writes these files)\n");
        for (OutputFile f : files) {
            b.append("  ").append(f.path()).append("  (").append(f.bytes()).append(" bytes)\n");
        }
        for (OutputFile f : files) {
            b.append("\n==> ").append(f.path()).append(" <==\n").append(f.content());
        }
        return b.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", "migrate.record/v1");
        doc.put("migration", sources.facts().migrationId());
        doc.put("version", sources.version());
        doc.put("stateDir", sources.facts().stateDir().toString());
        Map<String, String> steps = new LinkedHashMap<>();
        for (String step : MigrationFacts.STEPS) {
            steps.put(step, sources.facts().step(step).done() ? "passed" : RebuildGuide.NOT_DONE);
        }
        doc.put("steps", steps);
        Map<String, Object> deployed = new LinkedHashMap<>();
        for (String key : List.of("context", "server", "namespace", "vip", "collectorImage")) {
            deployed.put(key, sources.deploy().detail(key));
        }
        deployed.put("vipDnsName", sources.settings().vipDnsName().orElse(""));
        deployed.put("objects", sources.deployedObjects());
        doc.put("deployed", deployed);
        doc.put("archives", sources.facts().archives());
        doc.put("restore", sources.restoreCommand().orElse(""));
        doc.put("files", files.stream().map(OutputFile::toJson).toList());
        doc.put("snippets", snippets);
        return doc;
    }
}
