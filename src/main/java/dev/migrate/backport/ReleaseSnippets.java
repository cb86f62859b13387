package dev.migrate.backport;

import dev.migrate.data.OutputDirectory.OutputFile;
import dev.migrate.settings.Values;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * docs/release-v2.0.0.md: the README section and the CHANGELOG entry for the v2.0.0 release of the
 * Compose project, ready to paste (as `migrate record` writes snippets for the homelab's docs). Built
 * from the same sources as the stack, so the images, ports and variables they name are the ones in
 * docker-compose.yml. The CHANGELOG entry follows the project's Keep a Changelog format; its date is
 * left for the day of the release.
 */
public final class ReleaseSnippets {
    public static final String FILE = "docs/release-v2.0.0.md";
    public static final String VERSION = "2.0.0";
    public static final String README = "readme-section";
    public static final String CHANGELOG = "changelog-entry";

    private ReleaseSnippets() {
    }

    public static OutputFile of(BackportSources s) {
        StringBuilder b = new StringBuilder("# v" + VERSION + ": README section and CHANGELOG entry\n\n");
        b.append("Written by `migrate backport` from the same sources as the stack in this directory. Paste each block")
                .append(" where its heading says.\n");
        b.append("\n## README.md: a section after \"Quick start\"\n\n````markdown\n").append(snippets(s).get(README)).append("````\n");
        b.append("\n## CHANGELOG.md: above the 1.1.0 entry (set the date when you tag the release)\n\n````markdown\n")
                .append(snippets(s).get(CHANGELOG)).append("````\n");
        return new OutputFile(FILE, b.toString());
    }

    /** Snippet name to markdown. */
    public static Map<String, String> snippets(BackportSources s) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(README, readme(s));
        out.put(CHANGELOG, changelog(s));
        return out;
    }

    private static String readme(BackportSources s) {
        StringBuilder b = new StringBuilder("## Upgrading from " + OldStack.VERSION + " to v" + VERSION + "\n\n");
        b.append("v").append(VERSION).append(" keeps your data, ports and settings and adds Loki, so Claude Code's events")
                .append(" (prompts, tool results, API errors) are stored next to its metrics.\n\n");
        b.append("```sh\ncd ~/personal/claude-monitoring   # the ").append(OldStack.VERSION).append(" directory\n")
                .append("git pull                           # or copy the new files in\n")
                .append("docker compose up -d               # replaces the three containers, adds claude-loki\n```\n\n");
        b.append("- **Data**: the volumes ");
        b.append(String.join(" and ", OldStack.VOLUMES.stream().map(v -> "`" + v.realName(s.project()) + "`").toList()));
        b.append(" are declared by their real names and used as they are.\n");
        b.append("- **Settings**: `.env` is read as before, with the same variables and defaults:\n\n");
        b.append("  | variable | default |\n  |---|---|\n");
        for (OldStack.Variable v : ComposeFile.variables(s)) {
            b.append("  | `").append(v.name()).append("` | `").append(v.defaultValue()).append("` |\n");
        }
        b.append("\n- **Images** are pinned (").append(String.join(", ", images(s))).append(") instead of `:latest`.")
                .append(" If your ").append(OldStack.VERSION).append(" stack already runs a newer Grafana or Prometheus, do")
                .append(" not go back to an older one on the same data: set the newer image in `docker-compose.yml`.\n");
        b.append("- **Stopping**: restart is `").append(ComposeFile.RESTART).append("`, so `docker compose stop` now stops")
                .append(" the stack until you start it again.\n");
        b.append("- **Kubernetes**: `docs/kubernetes.md` deploys the same collector config, dashboard and alerts with")
                .append(" plain kubectl.\n");
        return b.toString();
    }

    private static String changelog(BackportSources s) {
        StringBuilder b = new StringBuilder("## [" + VERSION + "] - YYYY-MM-DD\n\n");
        b.append("### Added\n\n");
        b.append("- Loki (`").append(s.settings().backportLokiImage()).append("`, container `").append(ComposeFile.LOKI_CONTAINER)
                .append("`, port `").append(OldStack.LOKI_PORT.ref()).append("`): the collector sends Claude Code's events")
                .append(" to Loki over OTLP instead of only to the debug log; retention ")
                .append(Values.format(s.settings().backportLokiRetention())).append("\n");
        List<String> alerts = new java.util.ArrayList<>();
        s.composeObject("PrometheusRule").path("spec").path("groups")
                .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
        b.append("- Prometheus alert rules (`").append(StackFiles.PROMETHEUS_RULES).append("`): ")
                .append(String.join(", ", alerts.stream().filter(a -> !a.isEmpty()).toList())).append("\n");
        b.append("- `docs/kubernetes.md` and `kubernetes/`: the same stack for a Kubernetes cluster\n\n");
        b.append("### Changed\n\n");
        b.append("- Images pinned: ").append(String.join(", ", images(s))).append(" (were `:latest`)\n");
        b.append("- Restart policy `").append(ComposeFile.RESTART).append("` on every service\n");
        b.append("- Dashboard provisioned from `").append(StackFiles.DASHBOARD).append("` with datasource UIDs `")
                .append(BackportSources.PROMETHEUS_UID).append("` and `").append(BackportSources.LOKI_UID).append("`\n\n");
        b.append("### Kept\n\n");
        b.append("- The ").append(OldStack.VERSION).append(" volumes, container names, host ports and `.env` variables")
                .append(" (").append(String.join(", ", ComposeFile.variables(s).stream().filter(v -> v != OldStack.LOKI_PORT)
                        .map(v -> "`" + v.name() + "`").toList())).append(")\n\n");
        b.append("[").append(VERSION).append("]: https://github.com/rommelporras/claude-code-monitoring/releases/tag/v")
                .append(VERSION).append("\n");
        return b.toString();
    }

    private static List<String> images(BackportSources s) {
        return List.of("`" + s.collectorContainer().path("image").asText() + "`", "`" + s.settings().backportPrometheusImage() + "`",
                "`" + s.settings().backportGrafanaImage() + "`", "`" + s.settings().backportLokiImage() + "`");
    }
}
