package dev.migrate.docker;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.*;

/** Tests run as root, so a real permission-denied socket cannot be produced; the mapping is checked here. */
class EngineApiClientTest {
    @Test
    void permissionDeniedNamesTheHostAndTheDockerGroup() {
        try (EngineApiClient api = new EngineApiClient(new DockerHost("unix:///var/run/docker.sock", "default"))) {
            UserError e = api.unreachable(new IOException("connect failed", new IOException("Permission denied")));
            assertEquals(ExitCodes.FAILED, e.exitCode());
            assertEquals("cannot reach the Docker engine at unix:///var/run/docker.sock (default): Permission denied;"
                    + " add your user to the 'docker' group (then log in again) or run as root", e.getMessage());
        }
    }
}
