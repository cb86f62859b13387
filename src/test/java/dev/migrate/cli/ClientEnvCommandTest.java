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
}
