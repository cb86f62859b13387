package dev.migrate.docs;

import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documentation a user reads on GitHub: README.md (the front door), RUNBOOK.md, docs/*.md and
 * every other Markdown file of the repository. Every relative Markdown link must reach a file of the
 * repository, and a link with #anchor a heading of that file, slugged as GitHub slugs it; so a moved
 * section or a renamed page shows up here, not as a dead link in front of a reader. The commands the
 * README shows are ones the CLI accepts, as a reader copies them.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    /** [text](target) and ![alt](target), with an optional "title"; the target has no spaces. */
    private static final Pattern INLINE = Pattern.compile("!?\\[[^\\]]*\\]\\(<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\)");
    /** [label]: target (a reference definition, at the start of a line). */
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s+<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkReachesAFileAndEveryAnchorAHeading() throws IOException {
        List<String> dead = new ArrayList<>();
        int checked = 0;
        for (Path doc : documents()) {
            List<String> lines = Files.readAllLines(doc);
            boolean fence = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                    fence = !fence;
                    continue;
                }
                if (fence) continue;
                for (String target : targets(line)) {
                    if (SCHEME.matcher(target).find()) continue; // https:, mailto: ... are not files of ours
                    checked++;
                    String problem = problem(doc, target);
                    if (problem != null) {
                        dead.add(ROOT.relativize(doc) + ":" + (i + 1) + ": (" + target + ") " + problem);
                    }
                }
            }
        }
        assertTrue(checked >= 30, "found only " + checked + " relative links in " + documents()
                + ": the link parser misses them (README alone links every docs/ page)");
        assertEquals(List.of(), dead, "dead relative links (fix the link, or the heading it points at):\n"
                + String.join("\n", dead));
    }

    @Test
    void everySubcommandHasItsPageAndTheReadmeLinksIt() throws IOException {
        CliRun help = CliRun.of("--help");
        String commands = help.out().substring(help.out().indexOf("Commands:"));
        List<String> names = commands.lines().skip(1).takeWhile(l -> !l.isBlank()).filter(l -> l.matches("  \\S.*"))
                .map(l -> l.trim().split("\\s+")[0]).toList();
        assertTrue(names.size() >= 9, help.out());
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            String page = "docs/" + name + ".md";
            if (!Files.isRegularFile(ROOT.resolve(page))) missing.add(page + " does not exist");
            else if (!readme.contains("](" + page + ")")) missing.add("README.md does not link " + page);
        }
        assertEquals(List.of(), missing, "one reference page per subcommand, reachable from the README");
    }

    @Test
    void everyMigrateCommandInTheReadmeIsOneTheCliAccepts() throws IOException {
        List<String> rejected = new ArrayList<>();
        List<String> commands = readmeCommands();
        for (String command : commands) {
            try {
                new picocli.CommandLine(new dev.migrate.Main()).parseArgs(command.split("\\s+"));
            } catch (picocli.CommandLine.ParameterException e) {
                rejected.add("migrate " + command + ": " + e.getMessage());
            }
        }
        // install (bin/migrate), a migration start to finish (deploy ... status): a dozen today
        assertTrue(commands.size() >= 10, "found only " + commands.size() + " migrate commands in README.md: " + commands);
        assertTrue(commands.contains("deploy --dry-run --out manifests/monitoring"), "README shows the manifests as files: " + commands);
        assertEquals(List.of(), rejected, "README.md shows commands the CLI refuses");
    }

    /**
     * The arguments of each `migrate ...` (or `bin/migrate ...`) in README's fenced code blocks, as a
     * shell would pass them: the comment dropped, $(hostname) one word, the `eval "$(...)"` unwrapped.
     */
    private static List<String> readmeCommands() throws IOException {
        List<String> out = new ArrayList<>();
        boolean fence = false;
        boolean shell = false; // a ```sh block: what a reader pastes into a shell (the overview block is prose)
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.stripLeading().startsWith("```")) {
                fence = !fence;
                shell = fence && line.strip().equals("```sh");
                continue;
            }
            Matcher m = Pattern.compile("(?:^|\\$\\()(?:bin/)?migrate\\s+(.*)").matcher(line.strip());
            if (!shell || !m.find()) continue;
            String args = m.group(1).replaceAll("\\s+#.*$", "").replace("$(hostname)", "laptop")
                    .replaceAll("\\)\"\\s*$", "").strip();
            out.add(args);
        }
        return out;
    }

    @Test
    void theReadmeIsAFrontDoorThatFitsOnAFewScreens() throws IOException {
        long lines = Files.readAllLines(ROOT.resolve("README.md")).size();
        assertTrue(lines <= 120, "README.md has " + lines + " lines; it is the front door (what migrate does,"
                + " install, a migration start to finish, where to go next): put reference text in docs/");
    }

    /**
     * Every Markdown file of the repository a reader may open (README, RUNBOOK, docs/, manifests/README.md
     * and any added later), not the build's output (target/) or hidden and tool directories.
     */
    static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> docs = files.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .filter(p -> {
                        for (Path part : ROOT.relativize(p).getParent() == null ? List.<Path>of() : ROOT.relativize(p).getParent()) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.equals("target") || name.equals("node_modules")) return false;
                        }
                        return true;
                    })
                    .sorted().toList();
            assertTrue(docs.contains(ROOT.resolve("README.md")) && docs.contains(ROOT.resolve("RUNBOOK.md"))
                    && docs.contains(ROOT.resolve("docs/deploy.md")), "documents not found under " + ROOT + ": " + docs);
            return docs;
        }
    }

    private static List<String> targets(String line) {
        String text = CODE_SPAN.matcher(line).replaceAll("");
        List<String> found = new ArrayList<>();
        Matcher m = INLINE.matcher(text);
        while (m.find()) found.add(m.group(1));
        Matcher r = REFERENCE.matcher(text);
        if (r.matches()) found.add(r.group(1));
        return found;
    }

    /** Null when the target resolves, else what is wrong with it. */
    private static String problem(Path doc, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc
                : doc.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
        if (!file.startsWith(ROOT)) return "points outside the repository";
        if (!Files.exists(file)) return ROOT.relativize(file) + " does not exist";
        if (anchor == null) return null;
        if (!file.toString().endsWith(".md")) return "an anchor into a file that is not Markdown";
        Set<String> slugs = slugs(file);
        return slugs.contains(anchor) ? null
                : ROOT.relativize(file) + " has no heading #" + anchor + " (its headings: " + new java.util.TreeSet<>(slugs) + ")";
    }

    /** The anchors GitHub gives a file's headings: slug of the rendered text, -1, -2 ... for repeats. */
    static Set<String> slugs(Path file) throws IOException {
        Set<String> slugs = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fence = false;
        for (String line : Files.readAllLines(file)) {
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                fence = !fence;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (fence || !h.matches()) continue;
            String slug = slug(h.group(2));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            slugs.add(n == 0 ? slug : slug + "-" + n);
        }
        return slugs;
    }

    static String slug(String heading) {
        // The rendered text: a code span's content as written (<state-dir> in one is text), elsewhere
        // a link's text only and no inline HTML.
        StringBuilder text = new StringBuilder();
        Matcher code = CODE_SPAN.matcher(heading);
        int at = 0;
        while (code.find()) {
            text.append(prose(heading.substring(at, code.start()))).append(code.group(2));
            at = code.end();
        }
        text.append(prose(heading.substring(at)));
        return text.toString().toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                .replace(' ', '-');
    }

    private static String prose(String s) {
        return s.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
    }

    @Test
    void slugsAreGitHubs() {
        assertEquals("migrate-verify-is-the-homelab-pipeline-really-working",
                slug("`migrate verify`: is the homelab pipeline really working?"));
        assertEquals("collector-config-choices-contrib-0149", slug("Collector config choices (contrib 0.149)"));
        assertEquals("real-components-scriptsreal-components", slug("Real components: `scripts/real-components`"));
        assertEquals("what---yes-does-in-order-each-action-journaled", slug("What `--yes` does, in order (each action journaled)"));
        assertEquals("json-report--o-json-and-state-dirreportsverify-utc-timejson",
                slug("JSON report (`-o json`, and `<state-dir>/reports/verify-<UTC time>.json`)"));
        assertEquals("see-the-runbook", slug("See <em>the</em> [runbook](RUNBOOK.md)"));
    }
}
