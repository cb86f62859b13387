package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.backport.BackportPlan;
import dev.migrate.backport.BackportSources;
import dev.migrate.backport.VersionGuard;
import dev.migrate.docker.ApiDockerEngine;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerHost;
import dev.migrate.io.Limits;
import dev.migrate.io.Printable;
import dev.migrate.settings.SettingKeys;
import dev.migrate.UserError;
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
import java.util.Map;
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
                + " rules run first; without --out it prints the plan. It refuses to write a stack that would start an"
                + " older Grafana or Prometheus than the v1.1.1 containers run (read from Docker, read-only); it never"
                + " changes Docker or the cluster.",
                "",
                "Examples:",
                "",
                "  migrate backport",
                "  migrate backport --out ../claude-code-monitoring",
                "  cd ~/personal/claude-monitoring && migrate backport --out . && docker compose up -d"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed or written", "1:a rule failed (nothing written)",
                "2:bad input (settings, --out, files edited by hand)",
                "4:refused: it would run an older Grafana or Prometheus, or another migrate step holds the state directory"
                        + " (nothing written)"})
public final class BackportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the stack into DIR: empty or new, an earlier backport, or the v1.1.1 directory (upgrade).")
    Path out;

    @Option(names = "--docker-host", paramLabel = "URI",
            description = "Docker Engine to read the v1.1.1 containers' versions from (default: DOCKER_HOST, else the docker CLI's current context).")
    String dockerHost;

    @Option(names = "--force",
            description = "Replace files in --out that were changed by hand since migrate wrote them (each is kept as <file>.edited).")
    boolean force;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        Settings settings = settingsOptions.load(flags -> {
            if (dockerHost != null) {
                flags.put(SettingKeys.DOCKER_HOST.name(), dockerHost);
            }
        });
        OutputDirectory dir = out == null ? null : OutputDirectory.check(out, settings.stateDir(), "--out").tracked();
        String dirProject = dir == null ? settings.composeProject()
                : BackportPlan.projectOf(dir.dir().getFileName() == null ? "" : dir.dir().getFileName().toString());
        BackportPlan plan = BackportPlan.of(BackportSources.of(settings, ClientEnvCommand.documented(settings.vip())), dirProject);
        List<OutputFile> files = dir == null ? plan.files() : plan.forTarget(dir, force);
        if (dir != null) {
            dir.checkTargets(files);
        }
        VersionGuard.Result versions = versions(settings);
        if (output.json()) {
            Map<String, Object> doc = plan.toJson();
            doc.put("versions", versions.toJson());
            spec.commandLine().getOut().print(Json.MAPPER.writeValueAsString(doc) + "\n");
        } else {
            spec.commandLine().getOut().print(plan.toText() + versions.toText());
        }
        dev.migrate.bundle.BundlePlan.throwIfFailed(plan.rules(), dir == null ? "" : " (nothing was written)");
        if (dir != null && versions.refusal().isPresent()) {
            throw new UserError(ExitCodes.REFUSED, versions.refusal().get());
        }
        if (dir != null) {
            List<Path> written = dir.write(files);
            if (!output.json()) {
                spec.commandLine().getOut().println("wrote " + written.size() + " files into " + dir.dir());
                files.stream().filter(f -> BackportPlan.isCopy(f.path()))
                        .forEach(f -> spec.commandLine().getOut().println("  kept the replaced file as " + f.path()));
            }
        }
        // last: a refusal while writing (the state directory's lock) stays the one line on stderr
        versions.warning().ifPresent(w -> spec.commandLine().getErr().println("migrate: warning: " + Printable.escape(w)));
        return ExitCodes.OK;
    }

    /** The versions the v1.1.1 containers run, read from the engine; an engine that cannot be reached is said, not fatal. */
    private static VersionGuard.Result versions(Settings settings) {
        try (DockerEngine engine = new ApiDockerEngine(DockerHost.resolve(settings.dockerHost()), Limits.of(settings))) {
            return VersionGuard.check(engine, settings);
        } catch (UserError | DockerEngine.EngineException e) {
            return VersionGuard.notChecked(e.getMessage());
        }
    }
}
