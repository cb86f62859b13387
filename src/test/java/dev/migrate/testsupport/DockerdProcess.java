package dev.migrate.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Docker engine for tests, started as shared TESTING.md says: no bridge and no NAT
 * (--bridge=none --iptables=false --ip-forward=false --ip-masq=false), its own data root, exec
 * root, pid file and socket under a temp dir (dockerd runs its own managed containerd). Stopped
 * by PID. Images come from {@link #importBusybox}: no registry is reachable.
 */
public final class DockerdProcess implements AutoCloseable {
    public static final String DOCKERD = "/usr/sbin/dockerd";
    public static final String INSTALL_HINT = "install the test dependencies with scripts/install-test-deps.sh"
            + " (Debian: apt-get install -y docker.io busybox-static docker-compose) and run the tests as root";

    private final Path dir;
    private Process process;

    private DockerdProcess(Path dir) {
        this.dir = dir;
    }

    /** Starts dockerd; fails (never skips) when it or its tools are missing. */
    public static DockerdProcess start() {
        for (String tool : List.of(DOCKERD, "/usr/bin/docker-compose", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool))) {
                fail(tool + " is missing: " + INSTALL_HINT);
            }
        }
        if (docker() == null) {
            fail("the docker CLI is missing: " + INSTALL_HINT);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("dockerd needs root: " + INSTALL_HINT);
        }
        try {
            // short path: unix socket paths (ours and containerd's under exec-root) are limited to 108 bytes
            DockerdProcess d = new DockerdProcess(Files.createTempDirectory(Path.of("/tmp"), "dkd"));
            d.launch();
            return d;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DOCKERD,
                "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString(),
                "--pidfile", dir.resolve("docker.pid").toString(),
                "-H", host(),
                "--bridge=none", "--iptables=false", "--ip-forward=false", "--ip-masq=false")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()));
        process = pb.start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                fail("dockerd exited at start: " + tail());
            }
            if (Files.exists(dir.resolve("docker.sock")) && run(List.of(docker(), "-H", host(), "version"), null, null).code == 0) {
                return;
            }
            sleep(100);
        }
        fail("dockerd did not answer within 30 s: " + tail());
    }

    public String host() {
        return "unix://" + dir.resolve("docker.sock");
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops dockerd by its PID (SIGTERM; it stops its containers and containerd), then starts it again on the same data root. */
    public void restart() throws IOException {
        stop();
        launch();
    }

    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        run(List.of("rm", "-rf", dir.toString()), null, null);
    }

    /** `docker -H <ours> args...`; fails the test on a non-zero exit. */
    public String docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of(docker(), "-H", host()));
        cmd.addAll(List.of(args));
        return ok(run(cmd, null, null), cmd);
    }

    /** `docker-compose args...` in {@code projectDir} against this engine. */
    public String compose(Path projectDir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/docker-compose"));
        cmd.addAll(List.of(args));
        return ok(run(cmd, projectDir, Map.of("DOCKER_HOST", host())), cmd);
    }

    /** Imports a tiny image: busybox-static plus a symlink per applet (sh, sleep, tar, dd, sha256sum, ...). */
    public void importBusybox(String tag) throws IOException {
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("tmp"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.setPosixFilePermissions(rootfs.resolve("bin/busybox"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String applet : ok(run(List.of("/bin/busybox", "--list"), null, null), List.of("busybox --list")).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
            }
        }
        Path tar = dir.resolve("rootfs.tar");
        ok(run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."), null, null), List.of("tar"));
        docker("import", tar.toString(), tag);
    }

    /**
     * Another image from the same busybox root filesystem (after {@link #importBusybox}), with
     * Dockerfile instructions applied by `docker import --change`, e.g. "LABEL org.opencontainers.image.version=13.0.1"
     * or "ENV GRAFANA_VERSION=13.0.0": how a test gives an image the metadata a published one carries, without a registry.
     */
    public void importImage(String tag, String... changes) {
        Path tar = dir.resolve("rootfs.tar");
        if (!Files.exists(tar)) {
            fail("importImage needs importBusybox first (it reuses its root filesystem)");
        }
        List<String> args = new ArrayList<>(List.of("import"));
        for (String c : changes) {
            args.addAll(List.of("--change", c));
        }
        args.addAll(List.of(tar.toString(), tag));
        docker(args.toArray(String[]::new));
    }

    private static String docker() {
        for (String p : List.of("/usr/bin/docker", "/usr/local/bin/docker")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("dockerd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Result of a finished command. */
    public record Result(int code, String out, String err) {
    }

    public static Result run(List<String> cmd, Path cwd, Map<String, String> env) {
        try {
            Path errFile = Files.createTempFile("cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            if (env != null) {
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + cmd);
            }
            String err = Files.readString(errFile);
            Files.deleteIfExists(errFile);
            return new Result(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String ok(Result r, List<String> cmd) {
        if (r.code != 0) {
            fail(String.join(" ", cmd) + " exited " + r.code + ": " + r.out + r.err);
        }
        return r.out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
