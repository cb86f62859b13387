package dev.migrate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenTelemetry Collector (built by scripts/real-components with exactly the bundle's
 * components, release pinned there) running a config text, normally the one deploy renders
 * ({@link #startBundle}). The config is never edited: every listen endpoint it declares (the
 * {@code endpoint: host:port} of receivers, exporters and extensions, and the host/port of the
 * internal telemetry's pull readers) is moved to a free 127.0.0.1 port with the collector's own
 * {@code --set} overrides, and its environment is the rendered Deployment's container env (LOKI_OTLP_ENDPOINT
 * pointed at the test's Loki; MEMORY_LIMIT_MIB, MEMORY_SPIKE_LIMIT_MIB and GOMEMLIMIT as collector-memory-limit
 * derives them), as the pod's is.
 * Ready when health_check answers 200.
 */
public final class CollectorProcess extends ManagedProcess {
    public static final String HEALTH = "extensions::health_check::endpoint";
    public static final String GRPC = "receivers::otlp::protocols::grpc::endpoint";
    public static final String HTTP = "receivers::otlp::protocols::http::endpoint";
    public static final String EXPORTER = "exporters::prometheus::endpoint";
    public static final String TELEMETRY = "service::telemetry::metrics::readers";

    private final String config;
    private final String lokiOtlpEndpoint;
    private final Map<String, Integer> ports;
    private final List<String> extraSets;

    private final Map<String, String> env;

    private CollectorProcess(Path binary, Path dir, String config, Map<String, String> env, String lokiOtlpEndpoint,
                             Map<String, Integer> ports, List<String> extraSets, List<String> args) {
        super(binary.toString(), "run scripts/real-components", dir, ports.get(HEALTH), args, withLoki(env, lokiOtlpEndpoint));
        this.env = env;
        this.config = config;
        this.lokiOtlpEndpoint = lokiOtlpEndpoint;
        this.ports = ports;
        this.extraSets = extraSets;
    }

    public static Path binary() {
        return RealComponents.binary("otelcol", "otelcol-migrate");
    }

    public static String version() {
        return RealComponents.version("otelcol");
    }

    /** The collector config deploy renders (its ConfigMap's config.yaml), sending logs to {@code lokiOtlpEndpoint}. */
    public static CollectorProcess startBundle(String lokiOtlpEndpoint, String... extraSets) {
        return startBundle(Rendered.bundle(), lokiOtlpEndpoint, extraSets);
    }

    /** As {@link #startBundle(String, String...)} for a bundle rendered with other settings (e.g. collector-memory-limit). */
    public static CollectorProcess startBundle(dev.migrate.bundle.Bundle bundle, String lokiOtlpEndpoint, String... extraSets) {
        return start(Rendered.collectorConfig(bundle), deploymentEnv(bundle), lokiOtlpEndpoint, extraSets);
    }

    /** The rendered Deployment's collector container env, name to value. */
    public static Map<String, String> deploymentEnv(dev.migrate.bundle.Bundle bundle) {
        Map<String, String> env = new LinkedHashMap<>();
        Rendered.object(bundle, "Deployment").at("/spec/template/spec/containers/0/env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static Map<String, String> withLoki(Map<String, String> env, String loki) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("LOKI_OTLP_ENDPOINT", loki);
        return out;
    }

    /**
     * @param extraSets further {@code --set key=value} overrides a test needs (e.g. a short
     *                  metric_expiration); say in the test why the bundle's value is not used
     */
    public static CollectorProcess start(String config, String lokiOtlpEndpoint, String... extraSets) {
        return start(config, deploymentEnv(Rendered.bundle()), lokiOtlpEndpoint, extraSets);
    }

    private static CollectorProcess start(String config, Map<String, String> env, String lokiOtlpEndpoint, String... extraSets) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken between probe and bind
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String key : listenKeys(config)) {
                ports.put(key, freePort());
            }
            if (!ports.containsKey(HEALTH)) {
                throw new AssertionError("the collector config has no health_check endpoint to wait on");
            }
            CollectorProcess p = launch(config, env, lokiOtlpEndpoint, ports, List.of(extraSets));
            try {
                p.awaitReady(Duration.ofSeconds(30), "/");
                return p;
            } catch (AssertionError e) {
                last = e;
                p.kill();
                p.close();
            }
        }
        throw last;
    }

    private static CollectorProcess launch(String config, Map<String, String> env, String loki, Map<String, Integer> ports,
                                           List<String> extraSets) {
        Path dir = tempDir("otelcol-test");
        Path file = dir.resolve("config.yaml");
        write(file, config);
        List<String> args = new ArrayList<>(List.of("--config=" + file));
        for (String set : overrides(config, ports)) {
            args.add("--set=" + set);
        }
        extraSets.forEach(s -> args.add("--set=" + s));
        return new CollectorProcess(binary(), dir, config, env, loki, ports, extraSets, args);
    }

    /** Starts the same config again on the same ports (after {@link #kill()}: a restarted pod keeps its Service). */
    public CollectorProcess restart() {
        if (isAlive()) {
            throw new IllegalStateException("kill() it first");
        }
        close();
        CollectorProcess p = launch(config, env, lokiOtlpEndpoint, ports, extraSets);
        p.awaitReady(Duration.ofSeconds(30), "/");
        return p;
    }

    /** The result of {@code otelcol validate}. */
    public record Validation(int exitCode, String output) {
    }

    /**
     * Runs the binary's {@code validate} subcommand on a config text, with this environment over the
     * rendered Deployment's (without its LOKI_OTLP_ENDPOINT, which a test gives or leaves out on purpose).
     */
    public static Validation validate(String config, Map<String, String> env) {
        Path dir = tempDir("otelcol-validate");
        try {
            Path file = dir.resolve("config.yaml");
            write(file, config);
            ProcessBuilder pb = new ProcessBuilder(binary().toString(), "validate", "--config=" + file)
                    .directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(deploymentEnv(Rendered.bundle()));
            pb.environment().remove("LOKI_OTLP_ENDPOINT");
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("otelcol validate did not finish in 60 s");
            }
            return new Validation(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    /**
     * Every key of the config that makes the collector listen: {@code endpoint: host:port} (no scheme:
     * a URL is a client endpoint, like the Loki exporter's) under extensions, receivers and exporters,
     * and the internal telemetry's readers. Read from the config, so a listener the bundle adds is moved too.
     */
    static List<String> listenKeys(String config) {
        JsonNode root = parse(config);
        List<String> keys = new ArrayList<>();
        for (String section : List.of("extensions", "receivers", "exporters")) {
            collect(root.path(section), section, keys);
        }
        if (root.at("/service/telemetry/metrics/readers").isArray()) {
            keys.add(TELEMETRY);
        }
        return keys;
    }

    private static void collect(JsonNode node, String path, List<String> keys) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path + "::" + e.getKey();
            JsonNode v = e.getValue();
            if (e.getKey().equals("endpoint") && v.isTextual() && v.asText().matches("[\\w.\\-\\[\\]:]*:\\d+")) {
                keys.add(key);
            } else {
                collect(v, key, keys);
            }
        }
    }

    /** The --set values: each listen endpoint on 127.0.0.1:port; the readers as the bundle has them, host and port moved. */
    static List<String> overrides(String config, Map<String, Integer> ports) {
        List<String> sets = new ArrayList<>();
        ports.forEach((key, port) -> {
            if (!key.equals(TELEMETRY)) {
                sets.add(key + "=127.0.0.1:" + port);
            }
        });
        if (ports.containsKey(TELEMETRY)) {
            // --set replaces a list as a whole, so the readers go in complete: the bundle's own
            // options (without_units ...) are kept, only where they listen changes.
            ArrayNode readers = parse(config).at("/service/telemetry/metrics/readers").deepCopy();
            for (JsonNode r : readers) {
                JsonNode prom = r.at("/pull/exporter/prometheus");
                if (prom.isObject()) {
                    ((ObjectNode) prom).put("host", "127.0.0.1").put("port", ports.get(TELEMETRY));
                }
            }
            sets.add(TELEMETRY + "=" + readers);
        }
        return sets;
    }

    private static JsonNode parse(String config) {
        try {
            JsonNode root = Json.YAML.readTree(config);
            return root == null ? Json.MAPPER.createObjectNode() : root;
        } catch (IOException e) {
            throw new AssertionError("the collector config is not YAML: " + e.getMessage(), e);
        }
    }

    private int port(String key) {
        Integer p = ports.get(key);
        if (p == null) {
            throw new AssertionError("the collector config has no " + key);
        }
        return p;
    }

    public String grpcEndpoint() {
        return "http://127.0.0.1:" + port(GRPC);
    }

    public String httpEndpoint() {
        return "http://127.0.0.1:" + port(HTTP);
    }

    /** host:port of the prometheus exporter (the ServiceMonitor's port {@code prometheus}, 8889 in the pod). */
    public String exporterTarget() {
        return "127.0.0.1:" + port(EXPORTER);
    }

    /** host:port of the collector's own metrics (port {@code telemetry}, 8888 in the pod). */
    public String telemetryTarget() {
        return "127.0.0.1:" + port(TELEMETRY);
    }

    public String exporterPage() {
        return fetch("http://" + exporterTarget() + "/metrics");
    }

    public String telemetryPage() {
        return fetch("http://" + telemetryTarget() + "/metrics");
    }

    private static String fetch(String url) {
        try (var in = java.net.URI.create(url).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
