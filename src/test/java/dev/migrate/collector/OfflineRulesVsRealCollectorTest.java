package dev.migrate.collector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.Json;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundleValidator;
import dev.migrate.bundle.TestBundles;
import dev.migrate.checks.CheckResult;
import dev.migrate.testsupport.CollectorProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offline rules (what {@code deploy --dry-run} runs: {@link BundleValidator} over the rendered
 * bundle) against the real collector's {@code validate} on a corpus of configs: a failing config for
 * each collector rule, plus configs that are not YAML, have unknown keys or wrong types, or reference
 * undefined components. Every config the real collector refuses must be refused offline too.
 * Rules that go beyond the collector (it accepts the config, we refuse it) are listed in
 * {@link #BEYOND_THE_COLLECTOR}.
 * <p>
 * The binary has only the bundle's components, so a config naming another type (debug, loki) is
 * refused by it as unknown, where the contrib image would accept it: those cases are not compared.
 */
class OfflineRulesVsRealCollectorTest {
    /** Collector rules that refuse configs the collector itself runs: our requirements for the homelab. */
    static final Set<String> BEYOND_THE_COLLECTOR = Set.of(
            "listen on localhost (the pod IP is unreachable)",   // collector.listen-0.0.0.0
            "memory_limiter not first",                           // collector.memory-limiter-first
            "no health_check extension",                          // collector.health-check
            "add_metric_suffixes: false",                         // collector.prometheus-suffixes
            "metric_expiration 5m",                               // collector.metric-expiration
            "no deltatocumulative",                               // collector.delta-temporality
            "no user attribute on events",                        // collector.user-label
            "own metrics reader on another port",                 // collector.self-metrics
            "without_type_suffix: true",                          // collector.self-metric-names
            "memory_limiter without headroom below the container limit"); // deployment.memory-limit-above-limiter

    static Map<String, String> corpus() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("not YAML", "receivers: [otlp\nexporters: {");
        c.put("a list where a map belongs", "- receivers\n- exporters\n");
        c.put("unknown key in a processor", edit(n -> obj(n, "/processors/batch").put("sned_batch_size", 10)));
        c.put("unknown top-level section", edit(n -> n.putObject("recievers")));
        c.put("wrong type: limit_mib a word", edit(n -> obj(n, "/processors/memory_limiter").put("limit_mib", "lots")));
        c.put("wrong type: batch timeout not a duration", edit(n -> obj(n, "/processors/batch").put("timeout", "soon")));
        c.put("pipeline references an undefined exporter", edit(n -> arr(n, "/service/pipelines/logs/exporters").add("otlp_http/tempo")));
        c.put("pipeline references an undefined processor", edit(n -> arr(n, "/service/pipelines/metrics/processors").add("filter/drop")));
        c.put("pipeline without receivers", edit(n -> arr(n, "/service/pipelines/logs/receivers").removeAll()));
        c.put("unset environment variable as endpoint", edit(n -> obj(n, "/exporters/otlp_http~1loki").put("endpoint", "${env:TEMPO_URL}")));
        c.put("batch max size below the batch size", edit(n -> obj(n, "/processors/batch").put("send_batch_max_size", 10)));
        c.put("spike limit not below the limit", edit(n -> obj(n, "/processors/memory_limiter").put("limit_mib", 512).put("spike_limit_mib", 512)));
        c.put("listen on localhost (the pod IP is unreachable)", edit(n -> obj(n, "/receivers/otlp/protocols/grpc").put("endpoint", "localhost:4317")));
        c.put("memory_limiter not first", edit(n -> {
            ArrayNode p = arr(n, "/service/pipelines/metrics/processors");
            p.remove(0);
            p.add("memory_limiter");
        }));
        c.put("no health_check extension", edit(n -> {
            obj(n, "/extensions").remove("health_check");
            arr(n, "/service/extensions").removeAll();
        }));
        c.put("add_metric_suffixes: false", edit(n -> obj(n, "/exporters/prometheus").put("add_metric_suffixes", false)));
        c.put("metric_expiration 5m", edit(n -> obj(n, "/exporters/prometheus").put("metric_expiration", "5m")));
        c.put("no deltatocumulative", edit(n -> {
            ArrayNode p = arr(n, "/service/pipelines/metrics/processors");
            for (int i = p.size() - 1; i >= 0; i--) {
                if (p.get(i).asText().equals("deltatocumulative")) {
                    p.remove(i);
                }
            }
        }));
        c.put("no user attribute on events", edit(n -> {
            ArrayNode p = arr(n, "/service/pipelines/logs/processors");
            for (int i = p.size() - 1; i >= 0; i--) {
                if (p.get(i).asText().equals("transform/identity")) {
                    p.remove(i);
                }
            }
        }));
        c.put("own metrics reader on another port", edit(n -> obj(n, "/service/telemetry/metrics/readers/0/pull/exporter/prometheus").put("port", 9464)));
        c.put("without_type_suffix: true", edit(n -> obj(n, "/service/telemetry/metrics/readers/0/pull/exporter/prometheus")
                .put("without_type_suffix", true)));
        c.put("memory_limiter without headroom below the container limit", edit(n -> obj(n, "/processors/memory_limiter").put("limit_mib", 900)));
        return c;
    }

    @Test
    void everyConfigTheRealCollectorRefusesIsRefusedOfflineToo() {
        List<String> missed = new ArrayList<>();
        Set<String> beyond = new TreeSet<>();
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, String> e : corpus().entrySet()) {
            CollectorProcess.Validation real = CollectorProcess.validate(e.getValue(), Map.of("LOKI_OTLP_ENDPOINT", "http://127.0.0.1:3100/otlp"));
            List<String> offline = offlineFailures(TestBundles.withCollectorText(e.getValue()));
            table.append(String.format("%-50s real=%s offline=%s%n", e.getKey(), real.exitCode() == 0 ? "accepts" : "refuses", offline));
            if (real.exitCode() != 0 && offline.isEmpty()) {
                missed.add(e.getKey() + ": the collector says " + real.output().strip());
            }
            if (real.exitCode() == 0 && !offline.isEmpty()) {
                beyond.add(e.getKey());
            }
            if (real.exitCode() == 0 && offline.isEmpty()) {
                missed.add(e.getKey() + ": nobody refuses it, so it does not belong in the corpus");
            }
        }
        assertEquals(List.of(), missed, table.toString());
        assertEquals(new TreeSet<>(BEYOND_THE_COLLECTOR), beyond, table.toString());
    }

    @Test
    void theRenderedConfigPassesBoth() {
        assertEquals(0, CollectorProcess.validate(TestBundles.defaults().collectorConfig(),
                Map.of("LOKI_OTLP_ENDPOINT", "http://127.0.0.1:3100/otlp")).exitCode());
        assertEquals(List.of(), offlineFailures(TestBundles.defaults()));
    }

    static List<String> offlineFailures(Bundle bundle) {
        List<String> failed = new ArrayList<>();
        for (CheckResult r : BundleValidator.validate(bundle, TestBundles.settings())) {
            if (r.failed()) {
                failed.add(r.name());
            }
        }
        return failed;
    }

    private static String edit(Consumer<ObjectNode> change) {
        try {
            ObjectNode n = (ObjectNode) Json.YAML.readTree(TestBundles.defaults().collectorConfig());
            change.accept(n);
            return Json.YAML.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode obj(ObjectNode root, String pointer) {
        assertTrue(root.at(pointer).isObject(), pointer + " in the bundle's config");
        return (ObjectNode) root.at(pointer);
    }

    private static ArrayNode arr(ObjectNode root, String pointer) {
        assertTrue(root.at(pointer).isArray(), pointer + " in the bundle's config");
        return (ArrayNode) root.at(pointer);
    }
}
