package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.docker.ApiDockerEngine;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerHost;
import dev.migrate.ledger.Ledger;
import dev.migrate.io.Limits;
import dev.migrate.io.ProgressSink;
import dev.migrate.io.SignalGuard;
import dev.migrate.retire.FreeSpace;
import dev.migrate.retire.VolumeArchiver;
import dev.migrate.checks.CheckCatalogue;
import dev.migrate.checks.VerifyChecks;
import dev.migrate.retire.PipelineCheck;
import dev.migrate.retire.Restorer;
import dev.migrate.retire.Retirer;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** `migrate retire`: retire the old Compose stack without losing anything, or `--restore` its volumes. */
@Command(name = "retire", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Gate on a passed soak, archive the Compose volumes, remove the old stack.",
        description = {"Retire the old Docker Compose stack: find its containers and volumes, refuse unless the new "
                + "pipeline passed its soak and passes verify now, then (only with --yes) set restart policies to 'no', "
                + "stop, archive and verify every volume, remove the containers and volumes by exact name, and prove "
                + "they are gone and the old ports are free. Without --yes it only prints the plan.",
                "",
                "Never prunes; never touches the compose directory or anything outside the project. An interrupted "
                        + "retire resumes where it stopped when run again with --yes.",
                "",
                "Examples:",
                "",
                "  migrate retire",
                "  migrate retire --yes --backup-dir ~/migrate-backups",
                "  migrate retire --restore --backup-dir ~/migrate-backups"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done, plan printed, or nothing to do", "1:an action or final check failed (nothing after it ran)",
                "2:bad input (flags, project not found, backup directory)",
                "4:refused (the gate, --no-backup unconfirmed, restore over a non-empty volume, another step holds the state"
                        + " directory)",
                "130:interrupted: run it again with --yes to resume"})
public final class RetireCommand implements Callable<Integer> {
    /** Verify's checks for the gate; null means the real ones, run through {@link #pipeline}. */
    private final PipelineCheck.Factory verifyNow;
    /** Called with each retire action's journal key once it is on disk: a seam for tests that kill the process there. */
    private final Consumer<String> afterAction;

    @Spec
    CommandSpec spec;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    PipelineOptions pipeline;
    @Mixin
    OutputOptions output;

    public RetireCommand() {
        this(null, key -> {
        });
    }

    /**
     * With another source of verify's results (tests of the Docker side, which have no live
     * pipeline) and a hook after each journaled action.
     */
    public RetireCommand(PipelineCheck.Factory verifyNow, Consumer<String> afterAction) {
        this.verifyNow = verifyNow;
        this.afterAction = afterAction;
    }

    @Option(names = "--project", paramLabel = "NAME",
            description = "Compose project of the old stack: the compose directory's name (default: claude-monitoring).")
    String project;

    @Option(names = "--docker-host", paramLabel = "URI",
            description = "Docker Engine, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST, else the docker CLI's current context).")
    String dockerHost;

    @Option(names = "--backup-dir", paramLabel = "DIR",
            description = "Where volume archives go (must exist; default: ~/migrate-backups). With --restore: where to read them.")
    String backupDir;

    @Option(names = "--yes", description = "Really retire. Without it, only the plan is printed and nothing changes.")
    boolean yes;

    @Option(names = "--force", description = "Go on although the gate refuses (no passed soak, verify failing). Needs --reason.")
    boolean force;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why --force is justified; recorded in the ledger.")
    String reason;

    @Option(names = "--no-backup", description = "Do not archive the volumes (their data is lost). Needs --yes and a typed confirmation or --i-understand-data-loss.")
    boolean noBackup;

    @Option(names = "--i-understand-data-loss", description = "Confirms --no-backup without a prompt (for scripts).")
    boolean dataLossConfirmed;

    @Option(names = "--ports", paramLabel = "PORT", split = ",",
            description = "Host ports that must be free afterwards (default: those the project published, else 4317,4318,8889,9090,3030).")
    List<Integer> ports;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds a container gets to stop before retire gives up, deleting nothing (default: ${DEFAULT-VALUE}).")
    int stopTimeoutSeconds;

    @Option(names = "--restore", description = "Recreate the volumes from the newest archives in --backup-dir and verify them.")
    boolean restore;

    @Option(names = "--helper-image", paramLabel = "IMAGE",
            description = "A local image for the never-started container that reads/writes volumes, when the old stack's containers or image are gone (default: the stack's own image).")
    String helperImage;

    @Override
    public Integer call() {
        validate();
        pipeline.validate();
        Settings settings = settingsOptions.load(kube, pipeline, flags -> {
            put(flags, "compose-project", project);
            put(flags, "docker-host", dockerHost);
            put(flags, "backup-dir", backupDir);
        });
        Ledger ledger = new Ledger(settings.stateDir());
        // Local preconditions before the first call to the engine: nothing is changed there and then found unrecordable.
        ledger.checkWritable();
        if (yes && !noBackup && !restore) {
            VolumeArchiver.checkBackupDirWritable(settings.backupDir());
        }
        // The archives are read and verified before the engine is contacted: a bad one changes nothing anywhere.
        Restorer.Archives archives = restore ? Restorer.check(settings.backupDir(), settings.composeProject()) : null;
        try (SignalGuard interrupts = SignalGuard.install("retire");
             DockerEngine engine = new ApiDockerEngine(DockerHost.resolve(settings.dockerHost()), Limits.of(settings))) {
            // Under -o json the story is dropped (the result is one document); warnings still reach stderr.
            ProgressSink progress = ProgressSink.of(output.json() ? null : spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            if (restore) {
                return print(new Restorer(engine, ledger, settings, progress)
                        .restore(archives, settings.composeProject(), Optional.ofNullable(helperImage)));
            }
            if (noBackup) {
                confirmDataLoss(settings.composeProject());
            }
            Retirer retirer = new Retirer(engine, ledger, settings, verifyNow(settings), FreeSpace.FILE_STORE,
                    progress, afterAction);
            return print(retirer.run(new Retirer.Options(settings.composeProject(), settings.backupDir(), !noBackup,
                    ports == null ? List.of() : List.copyOf(ports), Duration.ofSeconds(stopTimeoutSeconds), yes, force,
                    reason == null ? "" : reason.strip(), helperImage == null ? "" : helperImage)));
        } catch (Retirer.Refused refused) {
            print(new Retirer.Result(refused.exitCode(), refused.document())); // the refused plan, then the error
            throw refused;
        } catch (DockerEngine.EngineException e) {
            // An error answer outside the journaled actions (discovery, the version call): one line, not an internal error.
            throw new UserError(ExitCodes.FAILED, "the Docker engine answered an error (" + e.getMessage() + "); nothing"
                    + " was changed after it; check the engine ('docker info') and --docker-host, then run retire again", e);
        }
    }

    /** The story went to the terminal as it happened; under -o json the result is one document. */
    private int print(Retirer.Result result) {
        if (output.json()) {
            try {
                spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(result.document()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return result.exitCode();
    }

    /** The same checks `migrate verify` runs (no test alert), against the same endpoints. */
    private PipelineCheck verifyNow(Settings settings) {
        if (verifyNow != null) {
            return verifyNow.create(settings);
        }
        List<dev.migrate.checks.CheckSpec> specs = CheckCatalogue.load(settings.checksDir(), VerifyChecks.FILE);
        java.util.Set<String> advisory = specs.stream().filter(s -> !s.holdsRetireBack())
                .map(dev.migrate.checks.CheckSpec::name).collect(java.util.stream.Collectors.toSet());
        return PipelineCheck.of(() -> pipeline.run(settings, VerifyChecks.of(specs), false), advisory);
    }

    private void validate() {
        if (restore && (yes || force || noBackup || ports != null)) {
            throw new UserError("--restore takes only --backup-dir, --project, --docker-host and --helper-image;"
                    + " drop the other flags");
        }
        if (force && (reason == null || reason.isBlank())) {
            throw new UserError("--force needs --reason TEXT saying why (it is recorded in the ledger)");
        }
        if (!force && reason != null) {
            throw new UserError("--reason is only meaningful with --force; drop it or add --force");
        }
        if (noBackup && !yes) {
            throw new UserError("--no-backup is only accepted together with --yes (and a confirmation); without --yes"
                    + " nothing is deleted anyway");
        }
        if (dataLossConfirmed && !noBackup) {
            throw new UserError("--i-understand-data-loss only confirms --no-backup; drop it");
        }
        if (stopTimeoutSeconds < 0) {
            throw new UserError("--stop-timeout " + stopTimeoutSeconds + " is negative; give seconds, e.g. --stop-timeout 30");
        }
        if (ports != null) {
            for (int p : ports) {
                if (p < 1 || p > 65535) {
                    throw new UserError("--ports: " + p + " is not a TCP port (1-65535)");
                }
            }
        }
    }

    private void confirmDataLoss(String projectName) {
        if (dataLossConfirmed) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw new UserError(ExitCodes.REFUSED, "--no-backup deletes the volumes' data without an archive; confirm with"
                    + " --i-understand-data-loss (no terminal to ask on)");
        }
        String typed = console.readLine("--no-backup: the volumes of '%s' will be deleted WITHOUT an archive."
                + " Type the project name to confirm: ", projectName);
        if (typed == null || !typed.strip().equals(projectName)) {
            throw new UserError(ExitCodes.REFUSED, "confirmation did not match '" + projectName + "'; nothing was changed");
        }
    }

    private static void put(Map<String, String> flags, String key, String value) {
        if (value != null) {
            flags.put(key, value);
        }
    }

}
