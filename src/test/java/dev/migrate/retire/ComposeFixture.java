package dev.migrate.retire;

import dev.migrate.testsupport.CliRun;
import picocli.CommandLine;
import dev.migrate.checks.CheckResult;
import dev.migrate.cli.RetireCommand;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import dev.migrate.testsupport.DockerdProcess;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Real compose projects on a test dockerd, shaped like the old stack (rommelporras/claude-code-monitoring:
 * three services, restart: always, named volumes claude_prometheus_data and claude_grafana_data),
 * built by Debian's docker-compose 1.29 from a locally imported busybox image.
 */
public final class ComposeFixture {
    public static final String IMAGE = "retire-test:1";

    private ComposeFixture() {
    }

    /** The old stack: collector, Prometheus (named + anonymous volume), Grafana (named volume). */
    public static String stack() {
        return """
                version: "2.4"
                services:
                  claude-otel-collector:
                    image: %1$s
                    network_mode: none
                    restart: always
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
                  claude-prometheus:
                    image: %1$s
                    network_mode: none
                    restart: always
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
                    volumes:
                      - claude_prometheus_data:/prometheus
                      - /scratch
                  claude-grafana:
                    image: %1$s
                    network_mode: none
                    restart: always
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
                    volumes:
                      - claude_grafana_data:/var/lib/grafana
                volumes:
                  claude_prometheus_data:
                  claude_grafana_data:
                """.formatted(IMAGE);
    }

    /** Another project with its own volume; optionally also mounting a volume of {@code shareFrom}. */
    static String other(String shareVolume) {
        String shared = shareVolume == null ? "" : "      - shared:/shared\n";
        String decl = shareVolume == null ? "" : "  shared:\n    external: true\n    name: " + shareVolume + "\n";
        return """
                version: "2.4"
                services:
                  keeper:
                    image: %s
                    network_mode: none
                    restart: always
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
                    volumes:
                      - keep_data:/keep
                %svolumes:
                  keep_data:
                %s""".formatted(IMAGE, shared, decl);
    }

    public static Path up(DockerdProcess d, Path parent, String project, String yaml) throws IOException {
        Path dir = parent.resolve(project);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("docker-compose.yml"), yaml);
        d.compose(dir, "up", "-d");
        return dir;
    }

    /** Known files: text, 512 KiB of random bytes, a symlink, a file owned by 65534 with mode 640. */
    public static void writeFiles(DockerdProcess d, Path dir, String service, String mount, int kib) {
        d.compose(dir, "exec", "-T", service, "sh", "-c", ("mkdir -p M/wal M/chunks && echo 'hello from " + service
                + "' > M/README && dd if=/dev/urandom of=M/chunks/000001 bs=1024 count=" + kib + " 2>/dev/null"
                + " && ln -s chunks/000001 M/latest && echo owned > M/wal/owned && chown 65534:65534 M/wal/owned"
                + " && chmod 640 M/wal/owned").replace("M/", mount + "/"));
    }

    /** What a volume holds, read by the docker CLI (independent of retire's own code). */
    public static String snapshot(DockerdProcess d, String volume) {
        return d.docker("run", "--rm", "--network", "none", "-v", volume + ":/v", IMAGE, "sh", "-c",
                "cd /v && find . | sort | while read f; do stat -c '%n %a %u:%g %F' \"$f\"; done;"
                        + " find . -type f | sort | xargs -r sha256sum; find . -type l | sort | xargs -r readlink");
    }

    static Set<String> lines(String text) {
        Set<String> out = new TreeSet<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    public static Set<String> containerNames(DockerdProcess d, String project) {
        return lines(d.docker("ps", "-a", "--filter", "label=com.docker.compose.project=" + project, "--format", "{{.Names}}"));
    }

    public static Set<String> runningNames(DockerdProcess d, String project) {
        return lines(d.docker("ps", "--filter", "label=com.docker.compose.project=" + project, "--format", "{{.Names}}"));
    }

    public static Set<String> volumeNames(DockerdProcess d) {
        return lines(d.docker("volume", "ls", "--format", "{{.Name}}"));
    }

    /** Records a passed soak as soak does, for the settings retire will load with these flags. */
    static void passedSoak(Path stateDir, String project, Duration proved, Map<String, String> extraSettings) {
        Map<String, String> flags = new java.util.HashMap<>(extraSettings);
        flags.put("compose-project", project);
        Settings s = Settings.defaults().with(flags);
        new Ledger(stateDir).append(new StepRecord("soak", Instant.now().minus(proved), Instant.now(), s.digest(),
                StepRecord.PASSED, "soak passed", "", Map.of("durationSeconds", String.valueOf(proved.toSeconds()),
                "coverageSeconds", String.valueOf(proved.toSeconds()))));
    }

    /** A verify runner double whose checks pass now (Docker tests have no new pipeline to verify). */
    public static PipelineCheck.Factory verifyPasses() {
        return settings -> () -> List.of(CheckResult.pass("collector-up", "up{job=\"otel-collector\"} = 1"));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Exit code and output of one in-process `migrate ...` run. */
    record Run(int code, String out, String err) {
    }

    static Run migrate(String... args) {
        CliRun r = CliRun.of(commands(verify), args);
        System.out.print(r.out()); // kept in the test's output for whoever reads a failure
        System.err.print(r.err());
        return new Run(r.exitCode(), r.out(), r.err());
    }

    /** `migrate retire --restore` of a project from a test's state and backup dir. */
    static Run restore(DockerdProcess d, String project, Path state, Path backups) {
        return migrate("retire", "--restore", "--project", project, "--docker-host", d.host(),
                "--state-dir", state.toString(), "--backup-dir", backups.toString());
    }

    /** `migrate retire` with the engine, state and backup dir of a test, plus extra args. */
    static String[] retireArgs(DockerdProcess d, String project, Path state, Path backups, String... extra) {
        List<String> args = new ArrayList<>(List.of("retire", "--project", project, "--docker-host", d.host(),
                "--state-dir", state.toString(), "--backup-dir", backups.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    /** Runs {@code body} with `migrate retire` taking verify's results from {@code f}. */
    static void withVerify(PipelineCheck.Factory f, Runnable body) {
        PipelineCheck.Factory before = verify;
        verify = f;
        try {
            body.run();
        } finally {
            verify = before;
        }
    }

    /**
     * Verify's results for the retire commands these tests run. By default an inconclusive double:
     * retire's real checks would aim at the default VIP, which no test may reach. A test that wants
     * the real checks passes null to {@link #withVerify} and gives loopback endpoints.
     */
    private static PipelineCheck.Factory verify = verifyNotGiven();

    static PipelineCheck.Factory verifyNotGiven() {
        return settings -> () -> List.of(CheckResult.inconclusive("verify-now", "this test gives verify nothing to check",
                "no pipeline in a Docker test", "wrap the run in withVerify(...)"));
    }

    /** Commands as the CLI makes them, but retire with {@code verify} for its last look at the pipeline. */
    public static CommandLine.IFactory commands(PipelineCheck.Factory verify) {
        return commands(verify, key -> {
        });
    }

    /** The same, with {@code afterAction} called after each journaled retire action (to pause there). */
    public static CommandLine.IFactory commands(PipelineCheck.Factory verify, Consumer<String> afterAction) {
        return new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RetireCommand.class && verify != null ? type.cast(new RetireCommand(verify, afterAction))
                        : CommandLine.defaultFactory().create(type);
            }
        };
    }
}
