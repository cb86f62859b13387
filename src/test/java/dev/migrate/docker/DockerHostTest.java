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

    /** Lays out a context as `docker context create` does: meta/<sha256(name)>/meta.json. */
    private void context(String name, String host) throws IOException {
        Path dir = Files.createDirectories(config.resolve("contexts/meta").resolve(DockerHost.sha256(name)));
        Files.writeString(dir.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
                + "{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
    }
}
