package dev.migrate.cli;

import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointOptionsTest {
    @TempDir
    Path dir;

    private static EndpointOptions parsed(String... args) {
        EndpointOptions options = new EndpointOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Test
    void aContextWhoseKubeconfigIsNotHereLeavesUnnamedEndpointsOut() {
        // The in-cluster soak carries the context setting but no kubeconfig: it must not fail on the
        // APIs it never uses, and the one it names stays as given.
        Settings settings = Settings.defaults().with(Map.of("context", "homelab",
                "kubeconfig", dir.resolve("absent.yaml").toString()));
        EndpointOptions.Clients clients = parsed("--prometheus-url", "http://127.0.0.1:9090").clients(
                settings.with(Map.of("prometheus-url", "http://127.0.0.1:9090")));
        assertTrue(clients.prometheus().isPresent());
        assertTrue(clients.grafana().isEmpty() && clients.alertmanager().isEmpty() && clients.loki().isEmpty());
        assertEquals(Map.of("http://127.0.0.1:9090/", "--prometheus-url"), clients.flags());
    }
}
