package dev.migrate.retire;

import dev.migrate.docker.DockerEngine;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The base of the retire tests' engine doubles (for what no real dockerd does on demand): the
 * calls that change something are recorded in {@link #calls}, in order, and do nothing else.
 * A double says what it lists; it overrides the changing calls it needs to fail.
 */
abstract class RecordingEngine implements DockerEngine {
    final List<String> calls = new ArrayList<>();

    @Override
    public List<ContainerInfo> allContainers() {
        return containersWithLabel(PROJECT_LABEL, "");
    }

    @Override
    public Optional<VolumeInfo> volume(String name) {
        return volumes().stream().filter(v -> v.name().equals(name)).findFirst();
    }

    @Override
    public void setRestartPolicy(String containerId, String policy) {
        calls.add("policy:" + containerId + "=" + policy);
    }

    @Override
    public void stop(String containerId, Duration timeout) {
        calls.add("stop:" + containerId);
    }

    @Override
    public InputStream archiveVolume(String volume, String helperImage) {
        throw new UnsupportedOperationException("archive");
    }

    @Override
    public void restoreVolume(String volume, Map<String, String> labels, InputStream tar, String helperImage) {
        throw new UnsupportedOperationException("restore");
    }

    @Override
    public void removeLeftoverHelpers() {
        calls.add("helpers");
    }

    @Override
    public boolean hasImage(String image) {
        return true;
    }

    @Override
    public java.util.Optional<ImageInfo> image(String idOrReference) {
        return java.util.Optional.empty();
    }

    @Override
    public void removeContainer(String containerId) {
        calls.add("rm:" + containerId);
    }

    @Override
    public void removeVolume(String name) {
        calls.add("rmv:" + name);
    }

    @Override
    public void close() {
    }
}
