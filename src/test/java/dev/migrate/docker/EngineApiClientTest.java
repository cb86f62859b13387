package dev.migrate.docker;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import org.junit.jupiter.api.Test;

import dev.migrate.io.Limits;
import dev.migrate.testsupport.FaultServer;

import java.io.IOException;
import java.time.Duration;

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

    /** A Docker socket double that accepts and never answers (FaultServer): no real dockerd does that on demand. */
    @Test
    void aDaemonThatNeverAnswersIsGivenUpAfterTheReadTimeoutOnBothPaths(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Limits limits = new Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 20);
        try (FaultServer never = FaultServer.unix(FaultServer.Fault.NEVER, dir.resolve("never.sock"));
             EngineApiClient api = new EngineApiClient(new DockerHost(never.url(), "test"), limits)) {
            UserError json = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(UserError.class, api::version));
            assertTrue(json.getMessage().contains("no answer within 1.0 s (setting read-timeout)"), json.getMessage());
            // the plain-socket tar path (volume archives) has no SO_TIMEOUT of its own: the idle watchdog bounds it
            UserError tar = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(UserError.class, () -> api.bulkGet("/containers/x/archive?path=/")));
            assertTrue(tar.getMessage().contains("no answer within 1.0 s (setting read-timeout)"), tar.getMessage());
        }
    }

    @Test
    void anEndlessOrHtmlAnswerIsRefusedInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Limits limits = new Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20);
        try (FaultServer huge = FaultServer.unix(FaultServer.Fault.HUGE, dir.resolve("huge.sock"));
             FaultServer html = FaultServer.unix(FaultServer.Fault.HTML, dir.resolve("html.sock"));
             EngineApiClient big = new EngineApiClient(new DockerHost(huge.url(), "test"), limits);
             EngineApiClient page = new EngineApiClient(new DockerHost(html.url(), "test"), limits)) {
            UserError e = assertThrows(UserError.class, big::version);
            assertTrue(e.getMessage().contains("answered GET /version: the answer is larger than 1MiB (setting max-response-size)"), e.getMessage());
            UserError h = assertThrows(UserError.class, page::version);
            assertEquals(1, h.getMessage().lines().count());
            assertTrue(h.getMessage().contains("answered GET /version with an HTML page instead of the Engine API's JSON"),
                    h.getMessage());
        }
    }

    /**
     * A Docker socket double that answers /version one byte every 400 ms (FaultServer TRICKLE): no real
     * dockerd trickles on demand. Each read sees a byte well within read-timeout, so only a bound on the
     * whole call ends it; the message says which bound and never reads "...: null".
     */
    @Test
    void aDaemonThatTricklesItsAnswerIsGivenUpAtTheCallsTotalDeadline(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Limits limits = new Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 20);
        try (FaultServer trickle = FaultServer.unix(FaultServer.Fault.TRICKLE, dir.resolve("trickle.sock"));
             EngineApiClient api = new EngineApiClient(new DockerHost(trickle.url(), "test"), limits)) {
            UserError e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(UserError.class, api::version));
            assertEquals(ExitCodes.FAILED, e.exitCode());
            assertFalse(e.getMessage().contains("null"), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot reach the Docker engine at " + trickle.url() + " (test): "), e.getMessage());
            assertTrue(e.getMessage().contains("GET /version: no ") && e.getMessage().contains("within 1.0 s (setting read-timeout)"),
                    e.getMessage());
            // the tar path's status and headers: each read waited less than read-timeout, the whole more
            UserError tar = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(UserError.class, () -> api.bulkGet("/containers/x/archive?path=/").readAllBytes()));
            assertFalse(tar.getMessage().contains("null"), tar.getMessage());
            assertTrue(tar.getMessage().contains("GET /containers/x/archive?path=/: no ")
                    && tar.getMessage().contains("within 1.0 s (setting read-timeout)"), tar.getMessage());
        }
    }
}
