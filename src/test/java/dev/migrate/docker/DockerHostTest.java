package dev.migrate.docker;

import dev.migrate.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The docker CLI's order: setting, DOCKER_HOST, current context (config.json + contexts/meta), default socket. */
class DockerHostTest {
    @TempDir
    Path config;

    @Test
    void settingWinsThenEnvThenContextThenDefault() throws IOException {
        context("homelab", "unix:///run/user/1000/docker.sock");
        Files.writeString(config.resolve("config.json"), "{\"currentContext\": \"homelab\"}");

        assertEquals(new DockerHost("unix:///flag.sock", "setting docker-host"),
                DockerHost.resolve(Optional.of("unix:///flag.sock"), Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), config));
        assertEquals("tcp://127.0.0.1:2375",
                DockerHost.resolve(Optional.empty(), Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), config).uri());
        DockerHost fromContext = DockerHost.resolve(Optional.empty(), Map.of(), config);
        assertEquals("unix:///run/user/1000/docker.sock", fromContext.uri());
        assertTrue(fromContext.source().contains("'homelab'"), fromContext.source());

        Files.writeString(config.resolve("config.json"), "{\"currentContext\": \"default\"}");
        assertEquals(DockerHost.DEFAULT, DockerHost.resolve(Optional.empty(), Map.of(), config).uri());
        Files.delete(config.resolve("config.json"));
        assertEquals(DockerHost.DEFAULT, DockerHost.resolve(Optional.empty(), Map.of(), config).uri());
    }

    @Test
    void dockerContextEnvOverridesConfigAndBrokenContextsAreOneLineErrors() throws IOException {
        context("other", "unix:///other.sock");
        Files.writeString(config.resolve("config.json"), "{\"currentContext\": \"missing\"}");
        assertEquals("unix:///other.sock", DockerHost.resolve(Optional.empty(), Map.of("DOCKER_CONTEXT", "other"), config).uri());
        UserError e = assertThrows(UserError.class, () -> DockerHost.resolve(Optional.empty(), Map.of(), config));
        assertTrue(e.getMessage().contains("docker context 'missing' has no metadata"), e.getMessage());
        e = assertThrows(UserError.class, () -> DockerHost.resolve(Optional.of("ssh://me@box"), Map.of(), config));
        assertTrue(e.getMessage().contains("only unix:// and tcp://"), e.getMessage());
    }

    /** The directory names `docker context create` uses: sha256 of the name (from sha256sum, not our code). */
    private static final Map<String, String> META_DIRS = Map.of(
            "homelab", "8be0b5445fca6eb16d14c6f4eaff1cf1d1a3362ef660bfb2b66e74bf309b7e61",
            "other", "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa");

    /** Lays out a context as `docker context create` does: meta/<sha256(name)>/meta.json. */
    private void context(String name, String host) throws IOException {
        Path dir = Files.createDirectories(config.resolve("contexts/meta").resolve(META_DIRS.get(name)));
        Files.writeString(dir.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
                + "{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
    }
}
