package dev.migrate.docker;

import dev.migrate.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.UserFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which Docker endpoint to use, in the docker CLI's own order: the docker-host setting, then
 * DOCKER_HOST, then the CLI's current context (DOCKER_CONTEXT or config.json's currentContext,
 * whose endpoint lives in contexts/meta/&lt;sha256 of the name&gt;/meta.json), then the default socket.
 *
 * @param uri    unix:///path or tcp://host:port
 * @param source where it came from, for messages
 */
public record DockerHost(String uri, String source) {
    public static final String DEFAULT = "unix:///var/run/docker.sock";

    public static DockerHost resolve(Optional<String> setting, Map<String, String> env, Path dockerConfigDir) {
        if (setting.isPresent()) {
            return checked(setting.get(), "setting docker-host");
        }
        String fromEnv = env.getOrDefault("DOCKER_HOST", "");
        if (!fromEnv.isBlank()) {
            return checked(fromEnv.trim(), "env DOCKER_HOST");
        }
        String context = env.getOrDefault("DOCKER_CONTEXT", "");
        String contextSource = "env DOCKER_CONTEXT";
        if (context.isBlank()) {
            context = currentContext(dockerConfigDir.resolve("config.json"));
            contextSource = "docker context (" + dockerConfigDir.resolve("config.json") + ")";
        }
        if (!context.isBlank() && !context.equals("default")) {
            Path meta = dockerConfigDir.resolve("contexts/meta").resolve(Digests.sha256Hex(context)).resolve("meta.json");
            String host = contextHost(meta, context);
            return checked(host, contextSource + " '" + context + "'");
        }
        return new DockerHost(DEFAULT, "default");
    }

    /** The host for this process: ~/.docker unless DOCKER_CONFIG says otherwise. */
    public static DockerHost resolve(Optional<String> setting) {
        Map<String, String> env = System.getenv();
        Path configDir = env.containsKey("DOCKER_CONFIG") ? Path.of(env.get("DOCKER_CONFIG"))
                : Path.of(System.getProperty("user.home"), ".docker");
        return resolve(setting, env, configDir);
    }

    private static String currentContext(Path configJson) {
        if (!Files.isRegularFile(configJson)) {
            return "";
        }
        try {
            return Json.MAPPER.readTree(UserFiles.read(configJson, "docker CLI config", UserFiles.TEXT_CAP))
                    .path("currentContext").asText("");
        } catch (IOException e) {
            throw new UserError("cannot read the docker CLI config " + configJson + " (" + e.getMessage()
                    + "); fix the file or set --docker-host");
        }
    }

    private static String contextHost(Path meta, String context) {
        if (!Files.isRegularFile(meta)) {
            throw new UserError("docker context '" + context + "' has no metadata at " + meta
                    + "; run 'docker context ls' to check it, or set --docker-host");
        }
        try {
            JsonNode root = Json.MAPPER.readTree(UserFiles.read(meta, "docker context '" + context + "'", UserFiles.TEXT_CAP));
            String host = root.path("Endpoints").path("docker").path("Host").asText("");
            if (host.isBlank()) {
                throw new UserError("docker context '" + context + "' (" + meta + ") names no docker endpoint; set --docker-host");
            }
            return host;
        } catch (IOException e) {
            throw new UserError("cannot read docker context '" + context + "' at " + meta + " (" + e.getMessage()
                    + "); set --docker-host");
        }
    }

    private static DockerHost checked(String uri, String source) {
        if (!(uri.startsWith("unix://") || uri.startsWith("tcp://"))) {
            throw new UserError(source + ": Docker host '" + uri + "' is not supported (only unix:// and tcp://);"
                    + " use a local socket, e.g. --docker-host unix:///var/run/docker.sock");
        }
        return new DockerHost(uri, source);
    }

}
