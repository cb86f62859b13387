package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.backport.BackportPlan;
import dev.migrate.backport.BackportSources;
import dev.migrate.data.OutputDirectory;
import dev.migrate.data.OutputDirectory.OutputFile;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `migrate backport`: the Docker Compose stack (the open-source project's v2.0.0) rendered from the
 * same collector config, dashboard and alert rules as the Kubernetes bundle, validated offline.
 */
@Command(name = "backport", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Render the same pipeline as a Docker Compose stack that keeps the v1.1.1 data.",
        description = {"Render the collector, Prometheus, Grafana and Loki as a Docker Compose project from the same"
                + " sources as the Kubernetes bundle: docker-compose.yml (pinned images, the v1.1.1 host ports and"
                + " volume names, restart unless-stopped), the collector config with Compose networking, Prometheus'"
                + " scrape config and alert rules, Grafana's provisioning and dashboard, a Loki config, and"
                + " docs/kubernetes.md with the rendered manifests for plain kubectl. Every bundle rule and the Compose"
                + " rules run first; without --out it prints the plan. It never touches Docker or the cluster.",
                "",
                "Examples:",
                "  migrate backport",
                "  migrate backport --out ../claude-code-monitoring",
                "  cd ~/personal/claude-monitoring && migrate backport --out . && docker compose up -d"},
        footer = {"", "Exit codes: 0 printed or written, 1 a rule failed (nothing written), 2 bad input (settings, --out)."})
public final class BackportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the stack into DIR: empty or new, an earlier backport, or the v1.1.1 directory (upgrade).")
    Path out;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load();
        OutputDirectory dir = out == null ? null : OutputDirectory.check(out, settings.stateDir(), "--out");
        String dirProject = dir == null ? settings.composeProject()
                : BackportPlan.projectOf(dir.dir().getFileName() == null ? "" : dir.dir().getFileName().toString());
        BackportPlan plan = BackportPlan.of(BackportSources.of(settings, ClientEnvCommand.documented(settings.vip())), dirProject);
        List<OutputFile> files = dir == null ? plan.files() : plan.forTarget(dir);
        spec.commandLine().getOut().print(output.json() ? Json.MAPPER.writeValueAsString(plan.toJson()) + "\n" : plan.toText());
        dev.migrate.bundle.BundlePlan.throwIfFailed(plan.rules(), dir == null ? "" : " (nothing was written)");
        if (dir != null) {
            List<Path> written = dir.write(files);
            if (!output.json()) {
                spec.commandLine().getOut().println("wrote " + written.size() + " files into " + dir.dir());
                files.stream().filter(f -> f.path().endsWith(BackportPlan.V1_SUFFIX))
                        .forEach(f -> spec.commandLine().getOut().println("  kept the replaced v1.1.1 file as " + f.path()));
            }
        }
        return ExitCodes.OK;
    }
}
