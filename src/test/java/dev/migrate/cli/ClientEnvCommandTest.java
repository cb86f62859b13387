package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientEnvCommandTest {
    @TempDir
    Path tmp;

    @Test
    void printsTheClientSettingsForBash() {
        CliRun run = CliRun.of("client-env", "--machine-name", "laptop");
        assertEquals(0, run.exitCode(), run.err());
        for (String line : new String[] {"export CLAUDE_CODE_ENABLE_TELEMETRY='1'", "export OTEL_METRICS_EXPORTER='otlp'",
                "export OTEL_LOGS_EXPORTER='otlp'", "export OTEL_EXPORTER_OTLP_PROTOCOL='grpc'",
                "export OTEL_EXPORTER_OTLP_ENDPOINT='http://10.10.30.22:4317'", "export OTEL_METRIC_EXPORT_INTERVAL='5000'",
                "export OTEL_LOGS_EXPORT_INTERVAL='5000'", "export OTEL_RESOURCE_ATTRIBUTES='machine.name=laptop'",
                "export OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE='delta'"}) {
            assertTrue(run.out().contains(line + "\n"), line + " in:\n" + run.out());
        }
        assertTrue(run.out().contains("# Claude Code's default, stated explicitly: the collector's deltatocumulative"));
    }

    @Test
    void anotherCollectorEndpointAndProtocol() {
        CliRun http = CliRun.of("client-env", "--machine-name", "laptop", "--protocol", "http/protobuf");
        assertEquals(0, http.exitCode(), http.err());
        assertTrue(http.out().contains("export OTEL_EXPORTER_OTLP_PROTOCOL='http/protobuf'\n")
                && http.out().contains("export OTEL_EXPORTER_OTLP_ENDPOINT='http://10.10.30.22:4318'\n"), http.out());
        CliRun other = CliRun.of("client-env", "--machine-name", "laptop", "--otlp-endpoint", "http://127.0.0.1:14317/", "--settings");
        assertEquals(0, other.exitCode(), other.err());
        assertTrue(other.out().contains("\"OTEL_EXPORTER_OTLP_ENDPOINT\" : \"http://127.0.0.1:14317\""), other.out());
        CliRun badProtocol = CliRun.of("client-env", "--machine-name", "laptop", "--protocol", "http/json");
        assertEquals(dev.migrate.ExitCodes.USAGE, badProtocol.exitCode());
        assertTrue(badProtocol.errorLine().contains("--protocol 'http/json'"), badProtocol.err());
        CliRun badUrl = CliRun.of("client-env", "--machine-name", "laptop", "--otlp-endpoint", "collector:4317");
        assertEquals(dev.migrate.ExitCodes.USAGE, badUrl.exitCode());
        assertTrue(badUrl.errorLine().contains("--otlp-endpoint"), badUrl.err());
    }

    @Test
    void otherShellsAndTheVipFromSettings() throws Exception {
        Path config = Files.writeString(tmp.resolve("migrate.yaml"), "vip: 10.10.30.40\n");
        CliRun fish = CliRun.of("client-env", "--config", config.toString(), "--machine-name", "mac-mini", "--shell", "fish");
        assertTrue(fish.out().contains("set -gx OTEL_EXPORTER_OTLP_ENDPOINT 'http://10.10.30.40:4317'"), fish.out());
        CliRun ps = CliRun.of("client-env", "--machine-name", "win.box", "--shell", "powershell");
        assertTrue(ps.out().contains("$env:OTEL_RESOURCE_ATTRIBUTES = 'machine.name=win.box'"), ps.out());
        CliRun zsh = CliRun.of("client-env", "--machine-name", "a", "--shell", "zsh");
        assertTrue(zsh.out().contains("export CLAUDE_CODE_ENABLE_TELEMETRY='1'"));
    }

    @Test
    void badMachineNamesAndShellsAreRefused() {
        for (String bad : new String[] {"my laptop", "a,b", "a=b", "it's", "", "-lead"}) {
            CliRun run = CliRun.of("client-env", "--machine-name", bad);
            assertEquals(2, run.exitCode(), bad + ": " + run.out());
            assertEquals("", run.out(), "nothing printed for " + bad);
        }
        assertTrue(CliRun.of("client-env", "--machine-name", "a b").err().contains("no spaces, commas, '='"));
        assertEquals(2, CliRun.of("client-env", "--machine-name", "a", "--shell", "tcsh").exitCode());
        assertEquals(2, CliRun.of("client-env").exitCode(), "machine name is required");
    }

    // Claude Code's settings: the env block printed, merged into a settings file, every bad file refused

    @Test
    void settingsPrintsTheEnvBlockAsJson() throws Exception {
        CliRun run = CliRun.of("client-env", "--machine-name", "laptop", "--settings");
        assertEquals(0, run.exitCode(), run.err());
        var env = dev.migrate.Json.MAPPER.readTree(run.out()).get("env");
        assertEquals("http://10.10.30.22:4317", env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText());
        assertEquals("machine.name=laptop", env.get("OTEL_RESOURCE_ATTRIBUTES").asText());
        assertEquals("1", env.get("CLAUDE_CODE_ENABLE_TELEMETRY").asText());
        assertEquals(null, env.get("OTEL_LOG_TOOL_DETAILS"), "tool details only when asked");
    }

    @Test
    void toolDetailsIsOptInAndSaysWhatItExposes() {
        CliRun shell = CliRun.of("client-env", "--machine-name", "laptop", "--tool-details");
        assertTrue(shell.out().contains("# WARNING: OTEL_LOG_TOOL_DETAILS=1 sends every tool's parameters (Bash commands,"
                + " file paths, MCP tool arguments)") && shell.out().contains("export OTEL_LOG_TOOL_DETAILS='1'\n"), shell.out());
        CliRun json = CliRun.of("client-env", "--machine-name", "laptop", "--tool-details", "--settings");
        assertTrue(json.out().contains("\"OTEL_LOG_TOOL_DETAILS\" : \"1\""), json.out());
        assertTrue(json.err().startsWith("warning: OTEL_LOG_TOOL_DETAILS=1 sends"), json.err());
    }

    @Test
    void writeSettingsCreatesAPrivateFileWhereThereWasNone() throws Exception {
        Path file = tmp.resolve("home/.claude/settings.json");
        CliRun run = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("create " + file + "\n  + env.CLAUDE_CODE_ENABLE_TELEMETRY\n"), run.out());
        assertEquals("machine.name=laptop", dev.migrate.Json.MAPPER.readTree(Files.readString(file))
                .at("/env/OTEL_RESOURCE_ATTRIBUTES").asText());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var left = Files.list(file.getParent())) {
            assertEquals(java.util.List.of(file), left.toList(), "no temporary file left behind");
        }
    }

    @Test
    void writeSettingsKeepsEveryOtherKeyAndShowsTheMerge() throws Exception {
        Path file = tmp.resolve("settings.json");
        Files.writeString(file, """
                {"model": "opus", "permissions": {"allow": ["Bash(ls)"]},
                 "env": {"FOO": "bar", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://old-box:4317", "OTEL_LOG_USER_PROMPTS": "1",
                         "OTEL_SERVICE_NAME": "my-claude", "OTEL_METRIC_EXPORT_INTERVAL": "5000"},
                 "hooks": {}}
                """);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        CliRun dry = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", file.toString(),
                "--dry-run");
        assertTrue(dry.out().endsWith("dry run: nothing written\n"), dry.out());
        assertTrue(Files.readString(file).contains("old-box"), "a dry run writes nothing");

        CliRun run = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.startsWith("merge into " + file + "\n"), out);
        assertTrue(out.contains("  ~ env.OTEL_EXPORTER_OTLP_ENDPOINT (was 'http://old-box:4317')\n"), out);
        assertTrue(out.contains("  = env.OTEL_LOG_USER_PROMPTS='1' (kept)\n"), out);
        assertTrue(out.contains("  ! env.OTEL_SERVICE_NAME is kept: it renames the service: its events leave every Loki panel"), out);
        assertTrue(!out.contains("env.OTEL_METRIC_EXPORT_INTERVAL"), "already right: not listed: " + out);
        assertTrue(out.endsWith("written; start a new Claude Code session to use it\n"), out);
        var root = dev.migrate.Json.MAPPER.readTree(Files.readString(file));
        assertEquals("opus", root.get("model").asText());
        assertEquals("Bash(ls)", root.at("/permissions/allow/0").asText());
        assertTrue(root.get("hooks").isObject());
        assertEquals("bar", root.at("/env/FOO").asText());
        assertEquals("my-claude", root.at("/env/OTEL_SERVICE_NAME").asText());
        assertEquals("http://10.10.30.22:4317", root.at("/env/OTEL_EXPORTER_OTLP_ENDPOINT").asText());
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "the file keeps its permissions");

        CliRun again = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", file.toString());
        assertTrue(again.out().contains("(already set: nothing to change)"), again.out());
    }

    @Test
    void aSymbolicLinkedSettingsFileIsWrittenThroughTheLink() throws Exception {
        Path real = Files.writeString(tmp.resolve("dotfiles-settings.json"), "{\"model\": \"opus\"}");
        Path link = Files.createSymbolicLink(tmp.resolve("settings.json"), real);
        CliRun run = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", link.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(Files.readString(real).contains("machine.name=laptop") && Files.readString(real).contains("opus"));
    }

    @Test
    void badSettingsFilesAreRefusedWithOneLineAndLeftAsTheyWere() throws Exception {
        record Bad(String what, String content, String says) {
        }
        for (Bad b : new Bad[] {
                new Bad("not JSON", "{\"model\": \"opus\",,}", "is not valid JSON (line 1, column 18)"),
                new Bad("JSON with comments", "{\n  // my settings\n  \"model\": \"opus\"\n}", "is not valid JSON (line 2"),
                new Bad("an array", "[1, 2]", "holds a JSON array, not an object of settings"),
                new Bad("env a string", "{\"env\": \"OTEL_METRICS_EXPORTER=otlp\"}", "its \"env\" is a string, not an object"),
                // written back, a merge would keep only the last env block: EDITOR would be lost
                new Bad("env twice", "{\"env\": {\"EDITOR\": \"vi\"},\n \"env\": {\"OTEL_LOG_USER_PROMPTS\": \"1\"}}",
                        "sets \"env\" twice (line 2): Claude Code reads only the last one"),
                new Bad("a variable twice", "{\"env\": {\"FOO\": \"a\", \"FOO\": \"b\"}}", "sets \"FOO\" twice (line 1)"),
                new Bad("not UTF-8", "{\"model\": \"\u00ff\"}", "is not UTF-8 text")}) {
            Path file = tmp.resolve(b.what().replace(' ', '-') + ".json");
            byte[] bytes = b.what().equals("not UTF-8") ? new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'}
                    : b.content().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Files.write(file, bytes);
            CliRun run = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", file.toString());
            assertEquals(2, run.exitCode(), b.what() + ": " + run.out() + run.err());
            String line = run.errorLine();
            assertTrue(line.contains(file.toString()) && line.contains(b.says()), b.what() + ": " + line);
            assertEquals("", run.out(), b.what());
            assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(file)), b.what() + ": the file is unchanged");
        }
        CliRun dir = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file", tmp.toString());
        assertEquals(2, dir.exitCode());
        assertTrue(dir.errorLine().contains("is a directory, not a file"), dir.err());
        // /proc takes no new folder even from root: a settings file that cannot be written
        CliRun unwritable = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--settings-file",
                "/proc/migrate-client-env/settings.json");
        assertEquals(1, unwritable.exitCode(), unwritable.out() + unwritable.err());
        assertTrue(unwritable.errorLine().contains("--settings-file '/proc/migrate-client-env/settings.json' cannot be written")
                && unwritable.errorLine().contains("(nothing was changed)"), unwritable.err());
    }

    @Test
    void managedSettingsAreTheMachinesFileAndOnlyWithWriteSettings() {
        CliRun dry = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--managed", "--dry-run");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains(" /etc/claude-code/managed-settings.json\n"), dry.out());
        assertEquals("/Library/Application Support/ClaudeCode/managed-settings.json", ClientEnvCommand.managedPath("Mac OS X"));
        CliRun alone = CliRun.of("client-env", "--machine-name", "laptop", "--managed");
        assertEquals(2, alone.exitCode());
        assertTrue(alone.errorLine().contains("--managed only goes with --write-settings"), alone.err());
        CliRun both = CliRun.of("client-env", "--machine-name", "laptop", "--write-settings", "--managed", "--settings-file", "x.json");
        assertEquals(2, both.exitCode());
        assertTrue(both.errorLine().contains("--managed and --settings-file name two files"), both.err());
    }
}
