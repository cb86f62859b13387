package dev.migrate.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.io.Limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/** {@link DockerEngine} over the Engine HTTP API (docker-java zerodep transport). */
public final class ApiDockerEngine implements DockerEngine {
    private static final String MOUNT_POINT = "/" + ARCHIVE_ROOT;

    private final EngineApiClient api;
    private final EngineInfo info;

    /** Connects and reads the daemon's version; an unreachable daemon is a one-line UserError. */
    public ApiDockerEngine(DockerHost host) {
        this(host, Limits.DEFAULT);
    }

    /** The same, every call bounded by {@code limits} (connect, read silence, answer size). */
    public ApiDockerEngine(DockerHost host, Limits limits) {
        this.api = new EngineApiClient(host, limits);
        try {
            JsonNode v = api.version();
            JsonNode i = api.json("GET", "/info", null);
            this.info = new EngineInfo(host.uri(), host.source(), v.path("ApiVersion").asText(), v.path("Version").asText(),
                    i.path("ID").asText(""), i.path("DockerRootDir").asText(""));
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public List<ContainerInfo> containersWithLabel(String label, String value) {
        String filters = EngineApiClient.query(Map.of("label", List.of(label + "=" + value)));
        List<ContainerInfo> out = new ArrayList<>();
        for (JsonNode c : api.json("GET", "/containers/json?all=1&filters=" + filters, null)) {
            // Listing has no restart policy; inspect each (a compose project has a handful).
            JsonNode inspected = api.json("GET", "/containers/" + c.path("Id").asText() + "/json", null);
            out.add(container(c, inspected.path("HostConfig").path("RestartPolicy").path("Name").asText("no")));
        }
        return out;
    }

    @Override
    public List<ContainerInfo> allContainers() {
        List<ContainerInfo> out = new ArrayList<>();
        for (JsonNode c : api.json("GET", "/containers/json?all=1", null)) {
            out.add(container(c, ""));
        }
        return out;
    }

    private static ContainerInfo container(JsonNode c, String restartPolicy) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("Mounts")) {
            mounts.add(new Mount(m.path("Type").asText(), m.path("Name").asText(""), m.path("Source").asText(""),
                    m.path("Destination").asText("")));
        }
        TreeSet<Integer> ports = new TreeSet<>();
        for (JsonNode p : c.path("Ports")) {
            if (p.path("PublicPort").asInt(0) > 0) {
                ports.add(p.path("PublicPort").asInt());
            }
        }
        String name = c.path("Names").path(0).asText("").replaceFirst("^/", "");
        return new ContainerInfo(c.path("Id").asText(), name, c.path("Image").asText(), c.path("ImageID").asText(),
                labels(c.path("Labels")), c.path("State").asText(), restartPolicy.isEmpty() ? "" : restartPolicy,
                mounts, List.copyOf(ports));
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Override
    public List<VolumeInfo> volumes() {
        List<VolumeInfo> out = new ArrayList<>();
        for (JsonNode v : api.json("GET", "/volumes", null).path("Volumes")) {
            out.add(volume(v));
        }
        return out;
    }

    @Override
    public Optional<VolumeInfo> volume(String name) {
        try {
            return Optional.of(volume(api.json("GET", "/volumes/" + name, null)));
        } catch (EngineException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static VolumeInfo volume(JsonNode v) {
        return new VolumeInfo(v.path("Name").asText(), v.path("Driver").asText(), labels(v.path("Labels")));
    }

    @Override
    public Map<String, Long> volumeSizes() {
        Map<String, Long> out = new HashMap<>();
        for (JsonNode v : api.json("GET", "/system/df", null).path("Volumes")) {
            long size = v.path("UsageData").path("Size").asLong(-1);
            if (size >= 0) {
                out.put(v.path("Name").asText(), size);
            }
        }
        return out;
    }

    @Override
    public void setRestartPolicy(String containerId, String policy) {
        api.json("POST", "/containers/" + containerId + "/update", Map.of("RestartPolicy", Map.of("Name", policy)));
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        api.call("POST", "/containers/" + containerId + "/stop?t=" + Math.max(0, timeout.toSeconds()), null);
        JsonNode state = api.json("GET", "/containers/" + containerId + "/json", null).path("State");
        if (state.path("Running").asBoolean(false)) {
            throw new EngineException(409, "container " + containerId + " is still running " + timeout.toSeconds()
                    + " s after the stop request");
        }
    }

    @Override
    public InputStream archiveVolume(String volume, String helperImage) {
        String helper = createHelper(volume, helperImage, true);
        InputStream tar;
        try {
            tar = api.bulkGet("/containers/" + helper + "/archive?path=" + MOUNT_POINT);
        } catch (RuntimeException e) {
            removeHelper(helper);
            throw e;
        }
        return new FilterInputStream(tar) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    removeHelper(helper);
                }
            }
        };
    }

    @Override
    public void restoreVolume(String volume, Map<String, String> labels, InputStream tar, String helperImage) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Name", volume);
        body.put("Labels", labels);
        api.json("POST", "/volumes/create", body);
        String helper = createHelper(volume, helperImage, false);
        try {
            api.upload("/containers/" + helper + "/archive?path=/", tar);
        } finally {
            removeHelper(helper);
        }
    }

    /** A container that is never started: the Engine mounts its volumes for archive calls anyway. */
    private String createHelper(String volume, String image, boolean readOnly) {
        Map<String, Object> mount = Map.of("Type", "volume", "Source", volume, "Target", MOUNT_POINT, "ReadOnly", readOnly);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Image", image);
        body.put("Cmd", List.of("true"));
        body.put("Labels", Map.of(HELPER_LABEL, "true"));
        body.put("NetworkDisabled", true);
        body.put("HostConfig", Map.of("Mounts", List.of(mount), "NetworkMode", "none"));
        String name = "migrate-retire-helper-" + UUID.randomUUID().toString().substring(0, 12);
        return api.json("POST", "/containers/create?name=" + name, body).path("Id").asText();
    }

    private void removeHelper(String id) {
        // v=0: the helper's volume is the user's data and must outlive it
        api.call("DELETE", "/containers/" + id + "?force=1&v=0", null);
    }

    @Override
    public void removeLeftoverHelpers() {
        String filters = EngineApiClient.query(Map.of("label", List.of(HELPER_LABEL + "=true"), "status", List.of("created")));
        for (JsonNode c : api.json("GET", "/containers/json?all=1&filters=" + filters, null)) {
            removeHelper(c.path("Id").asText());
        }
    }

    @Override
    public boolean hasImage(String image) {
        return api.call("GET", "/images/" + image + "/json", null) != 404;
    }

    @Override
    public Optional<ImageInfo> image(String idOrReference) {
        JsonNode i;
        try {
            i = api.json("GET", "/images/" + idOrReference + "/json", null);
        } catch (EngineException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
        List<String> tags = new ArrayList<>();
        i.path("RepoTags").forEach(t -> tags.add(t.asText()));
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : i.path("Config").path("Env")) {
            String kv = e.asText();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return Optional.of(new ImageInfo(i.path("Id").asText(), tags, labels(i.path("Config").path("Labels")), env));
    }

    @Override
    public void removeContainer(String containerId) {
        api.call("DELETE", "/containers/" + containerId + "?v=0", null);
    }

    @Override
    public void removeVolume(String name) {
        api.call("DELETE", "/volumes/" + name, null);
    }

    @Override
    public void close() {
        api.close();
    }
}
