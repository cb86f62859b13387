package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * `migrate client-env`: the Claude Code client settings that send telemetry to the homelab
 * collector (the variables of Claude Code's docs, "Monitoring"), as shell lines to eval or paste into a profile.
 */
@Command(name = "client-env", sortOptions = false, mixinStandardHelpOptions = true,
        header = "Print the environment a Claude Code client needs to send to the new collector.",
        description = {"Print the environment a Claude Code client needs to send its metrics and events to the "
                + "homelab collector (the VIP), for bash, zsh, fish or PowerShell. Nothing is changed.",
                "Shell exports do not reach a Claude Code started from an IDE or a launcher: --settings prints the same as "
                        + "the env block of Claude Code's settings.json, and --write-settings merges it into "
                        + "~/.claude/settings.json (or, with --managed, the machine's managed-settings.json), keeping every "
                        + "other key.",
                "",
                "Examples:",
                "",
                "  eval \"$(migrate client-env --machine-name laptop)\"",
                "  migrate client-env --shell fish --machine-name laptop",
                "  migrate client-env --machine-name laptop --write-settings"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed, or the settings file written", "1:the settings file could not be written",
                "2:bad input (flags, settings, a settings file that is not valid JSON)"})
public final class ClientEnvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public enum Shell { bash, zsh, fish, powershell }

    @Mixin
    SettingsOptions settingsOptions;

    @Option(names = "--machine-name", paramLabel = "NAME", required = true,
            description = "Name of this machine in the dashboards (machine.name); letters, digits, '.', '_' and '-'.")
    String machineName;

    @Option(names = "--shell", paramLabel = "SHELL", defaultValue = "bash",
            description = "Syntax: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Shell shell = Shell.bash;

    @Option(names = "--otlp-endpoint", paramLabel = "URL", description = "The collector endpoint clients send to"
            + " (default: http://<vip>:4317 for grpc, :4318 for http/protobuf), e.g. a collector outside the homelab's VIP.")
    String otlpEndpoint;

    @Option(names = "--protocol", paramLabel = "PROTO", defaultValue = "grpc",
            description = "OTLP protocol the clients use: grpc or http/protobuf (default: ${DEFAULT-VALUE}).")
    String protocol = "grpc";

    @Option(names = "--tool-details", description = "Also set OTEL_LOG_TOOL_DETAILS=1: real MCP server and tool names on the"
            + " dashboard instead of 'custom', and refusal categories. It also sends every tool's parameters (Bash"
            + " commands, file paths, MCP arguments) to the collector and Loki, where anyone who reads Loki sees them.")
    boolean toolDetails;

    @Option(names = "--settings", description = "Print the settings.json env block (JSON) instead of shell lines.")
    boolean settingsJson;

    @Option(names = "--write-settings", description = "Merge the env block into Claude Code's settings file"
            + " (~/.claude/settings.json), keeping every other key; prints what changed.")
    boolean writeSettings;

    @Option(names = "--managed", description = "With --write-settings: the machine's managed-settings file instead ("
            + LINUX_MANAGED + " on Linux), read by every user's Claude Code on this machine; needs root.")
    boolean managed;

    @Option(names = "--settings-file", paramLabel = "FILE", description = "With --write-settings: this settings file instead.")
    Path settingsFile;

    @Option(names = "--dry-run", description = "With --write-settings: show the merge, write nothing.")
    boolean dryRun;


    /** Where Claude Code reads managed settings on Linux. */
    static final String LINUX_MANAGED = "/etc/claude-code/managed-settings.json";
    static final String MAC_MANAGED = "/Library/Application Support/ClaudeCode/managed-settings.json";
    /** The warning --tool-details prints: what OTEL_LOG_TOOL_DETAILS=1 sends. */
    static final String TOOL_DETAILS_WARNING = "OTEL_LOG_TOOL_DETAILS=1 sends every tool's parameters (Bash commands,"
            + " file paths, MCP tool arguments) and MCP server names to the collector and Loki: anyone who can read Loki"
            + " sees them";

    @Override
    public Integer call() {
        if (!dev.migrate.settings.Values.MACHINE_NAME.matcher(machineName).matches()) {
            throw new UserError("--machine-name '" + machineName + "' is not usable as a resource attribute: use letters,"
                    + " digits, '.', '_' and '-' only (no spaces, commas, '=' or quotes), at most 63 characters");
        }
        if (!writeSettings && (managed || settingsFile != null || dryRun)) {
            throw new UserError((managed ? "--managed" : settingsFile != null ? "--settings-file" : "--dry-run")
                    + " only goes with --write-settings; add --write-settings (or --settings to print the block)");
        }
        if (managed && settingsFile != null) {
            throw new UserError("--managed and --settings-file name two files; give one of them");
        }
        if (!protocol.equals("grpc") && !protocol.equals("http/protobuf")) {
            throw new UserError("--protocol '" + protocol + "' is not supported by the collector; use grpc or http/protobuf");
        }
        String endpoint = otlpEndpoint == null ? null
                : dev.migrate.endpoints.HttpEndpoint.parseUrl("--otlp-endpoint", otlpEndpoint).toString().replaceAll("/$", "");
        Settings settings = settingsOptions.load();
        if (endpoint == null) {
            // Checked as deploy checks it: clients must not be pointed at an address no collector will get.
            settings.vipProblem().ifPresent(p -> {
                throw new UserError(p + ": deploy refuses it, so no collector would answer there; fix vip, or give"
                        + " --otlp-endpoint");
            });
        }
        Map<String, Line> env = env(settings.vip(), machineName, protocol, endpoint);
        if (toolDetails) {
            env.put("OTEL_LOG_TOOL_DETAILS", new Line("1", "WARNING: " + TOOL_DETAILS_WARNING));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (writeSettings) {
            return write(values(env), out);
        }
        if (settingsJson) {
            if (toolDetails) {
                spec.commandLine().getErr().println("warning: " + TOOL_DETAILS_WARNING);
            }
            out.print(settingsBlock(values(env)));
        } else {
            out.print(render(env, shell));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int write(Map<String, String> env, PrintWriter out) {
        Path file;
        String what;
        String fix;
        Set<PosixFilePermission> perms;
        if (managed) {
            file = Path.of(managedPath(System.getProperty("os.name", "")));
            what = "managed settings file (--managed)";
            fix = "run it as root (sudo), or give --settings-file";
            perms = PosixFilePermissions.fromString("rw-r--r--"); // every user's Claude Code reads it
        } else {
            file = settingsFile != null ? settingsFile : Path.of(System.getProperty("user.home"), ".claude", "settings.json");
            what = settingsFile != null ? "--settings-file" : "Claude Code settings file";
            fix = "make it writable for this user, or give another --settings-file";
            perms = PosixFilePermissions.fromString("rw-------");
        }
        ClaudeSettingsMerge merge = ClaudeSettingsMerge.plan(file, what, env);
        if (toolDetails) {
            spec.commandLine().getErr().println("warning: " + TOOL_DETAILS_WARNING);
        }
        out.print(merge.summary());
        if (dryRun) {
            out.println("dry run: nothing written");
        } else if (merge.changes()) {
            merge.write(perms, what, fix);
            out.println("written; start a new Claude Code session to use it");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Where Claude Code reads the machine's managed settings on this OS; other systems must give the file. */
    static String managedPath(String osName) {
        String os = osName.toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux")) {
            return LINUX_MANAGED;
        }
        if (os.contains("mac")) {
            return MAC_MANAGED;
        }
        throw new UserError("--managed does not know where Claude Code reads managed settings on " + osName
                + "; give the file with --settings-file instead");
    }

    private static Map<String, String> values(Map<String, Line> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /** The settings.json fragment: {"env": {...}}. */
    static String settingsBlock(Map<String, String> env) {
        var root = dev.migrate.Json.MAPPER.createObjectNode();
        var block = root.putObject("env");
        env.forEach(block::put);
        try {
            return dev.migrate.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    /** The machine name shown where the environment is documented (record, backport): each client sets its own. */
    public static final String MACHINE_PLACEHOLDER = dev.migrate.record.RecordSources.MACHINE_PLACEHOLDER;

    /** What `migrate client-env --machine-name MACHINE-NAME` prints for bash, for documents. */
    public static String documented(String vip) {
        return render(env(vip, MACHINE_PLACEHOLDER), Shell.bash);
    }

    /** Variable to value, with a comment line for the ones whose reason is not obvious. */
    record Line(String value, String comment) {
    }

    static Map<String, Line> env(String vip, String machine) {
        return env(vip, machine, "grpc", null);
    }

    /** @param endpoint the collector's OTLP endpoint, or null for the VIP's port of {@code protocol} */
    static Map<String, Line> env(String vip, String machine, String protocol, String endpoint) {
        boolean grpc = protocol.equals("grpc");
        Map<String, Line> env = new LinkedHashMap<>();
        env.put("CLAUDE_CODE_ENABLE_TELEMETRY", new Line("1", "Claude Code telemetry on (off by default)"));
        env.put("OTEL_METRICS_EXPORTER", new Line("otlp", ""));
        env.put("OTEL_LOGS_EXPORTER", new Line("otlp", "events (api_request, tool_result ...) go to Loki"));
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", new Line(protocol, "no default in Claude Code: it must be set"));
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint != null ? new Line(endpoint, "the collector (--otlp-endpoint)")
                : new Line("http://" + vip + (grpc ? ":4317" : ":4318"), "the homelab collector's VIP (OTLP "
                + (grpc ? "gRPC" : "HTTP") + ")"));
        env.put("OTEL_METRIC_EXPORT_INTERVAL", new Line("5000", "ms; the default 60000 makes dashboards lag a minute"));
        env.put("OTEL_LOGS_EXPORT_INTERVAL", new Line("5000", "ms"));
        env.put("OTEL_RESOURCE_ATTRIBUTES", new Line("machine.name=" + machine, "becomes the machine_name label (without it:"
                + " no-machine-name)"));
        env.put("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", new Line("delta",
                "Claude Code's default, stated explicitly: the collector's deltatocumulative processor turns delta into"
                        + " the cumulative counters Prometheus needs. Do not switch to cumulative without changing the"
                        + " collector config."));
        return env;
    }

    static String render(Map<String, Line> env, Shell shell) {
        StringBuilder sb = new StringBuilder();
        String comment = "# "; // the same in all four shells
        sb.append(comment).append("Claude Code -> homelab collector (generated by migrate client-env)\n");
        env.forEach((name, line) -> {
            if (!line.comment().isEmpty()) {
                sb.append(comment).append(line.comment()).append('\n');
            }
            sb.append(switch (shell) {
                case bash, zsh -> "export " + name + "='" + line.value() + "'";
                case fish -> "set -gx " + name + " '" + line.value() + "'";
                case powershell -> "$env:" + name + " = '" + line.value() + "'";
            }).append('\n');
        });
        return sb.toString();
    }
}
