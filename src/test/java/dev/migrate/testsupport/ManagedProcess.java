package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server binary started by a test on 127.0.0.1: own temp directory, a free port, a wait
 * until a readiness path answers 200 ({@code /-/ready} unless said otherwise), and a stop by PID
 * that also removes the temp directory. Shared by {@link PrometheusProcess},
 * {@link AlertmanagerProcess} and {@link CollectorProcess}.
 */
public class ManagedProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final Path log;

    protected ManagedProcess(String binary, String installHint, Path dir, int port, List<String> args) {
        this(binary, installHint, dir, port, args, Map.of());
    }

    /** @param env added to the inherited environment (e.g. LOKI_OTLP_ENDPOINT for the collector) */
    protected ManagedProcess(String binary, String installHint, Path dir, int port, List<String> args, Map<String, String> env) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new AssertionError(binary + " is missing: " + installHint);
        }
        this.dir = dir;
        this.port = port;
        this.log = dir.resolve("process.log");
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process at once (SIGKILL), as a crash or an OOM kill would; the temp directory stays until close(). */
    public void kill() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for GET /-/ready to answer 200; fails with the process log otherwise. */
    protected void awaitReady(Duration limit) {
        awaitReady(limit, "/-/ready");
    }

    /** Waits for GET {@code path} on this process's port to answer 200; fails with the process log otherwise. */
    protected void awaitReady(Duration limit, String path) {
        awaitReady(limit, () -> status(path) == 200);
    }

    /**
     * Waits until {@code ready} says so (e.g. a TLS probe with a client certificate, which
     * {@link #status} cannot make); fails with the process log when the process exits or time runs out.
     */
    protected void awaitReady(Duration limit, java.util.function.BooleanSupplier ready) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + ":\n" + logText());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("not ready within " + limit + ":\n" + logText());
    }

    /** HTTP status of a GET on this server, or -1 when it does not answer. */
    public int status(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url() + path).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int code = c.getResponseCode();
            c.disconnect();
            return code;
        } catch (IOException e) {
            return -1;
        }
    }

    /** GET a path and return the body ("" when it does not answer). */
    public String get(String path) {
        try (var in = URI.create(url() + path).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    protected static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process by its PID (TERM, then KILL after 5 s) and removes the temp directory. */
    @Override
    public void close() {
        stopProcess();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }

    /** Stops the process by its PID (TERM, then KILL after 5 s) and keeps the directory (a restart reuses it). */
    public void stopProcess() {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
