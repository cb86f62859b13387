package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.TestBundles;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.migrate.bundle.TestBundles.withCollector;
import static dev.migrate.bundle.rules.RuleAssertions.fails;
import static dev.migrate.bundle.rules.RuleAssertions.passes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules over the collector config: each with the built-in config (passes) and a broken copy (fails). */
class CollectorRulesTest {
    private static final Settings SETTINGS = TestBundles.settings();
    private static final Bundle DEFAULT = TestBundles.defaults();

    /** The built-in config's reader for the collector's own metrics (service.telemetry.metrics). */
    private static ObjectNode ownMetricsReader(ObjectNode config) {
        return (ObjectNode) config.at("/service/telemetry/metrics/readers/0/pull/exporter/prometheus");
    }

    private static ObjectNode pipeline(ObjectNode config, String name) {
        return (ObjectNode) config.with("service").with("pipelines").get(name);
    }

    @Nested
    class YamlWellFormed {
        final Rule rule = new CollectorYamlWellFormed();

        @Test
        void builtInConfigParses() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void brokenYamlIsReportedWithFileLineAndColumn() {
            Bundle broken = TestBundles.withCollectorText("receivers:\n  otlp:\n    protocols: [grpc\nexporters: {}\n");
            CheckResult r = fails(rule, broken, SETTINGS, "test-collector.yaml:", "not valid YAML");
            assertTrue(r.observed().matches("test-collector\\.yaml:\\d+:\\d+: .*"), r.observed());
        }

        @Test
        void aKeyGivenTwiceIsAnError() {
            String twice = "processors:\n  batch: {}\nprocessors:\n  memory_limiter: {}\n";
            CheckResult r = fails(rule, TestBundles.withCollectorText(twice), SETTINGS, "test-collector.yaml:3:");
            assertTrue(r.observed().contains("Duplicate field 'processors'"), r.observed());
        }

        @Test
        void aScalarIsNotACollectorConfig() {
            fails(rule, TestBundles.withCollectorText("just some text\n"), SETTINGS, "not a collector config");
        }

        @Test
        void otherCollectorRulesAreSkippedNotCrashedWhenTheConfigIsBroken() {
            CheckResult r = new MemoryLimiterFirst().check(TestBundles.withCollectorText("a: [\n"), SETTINGS);
            assertEquals(Status.SKIPPED, r.status());
            assertTrue(r.cause().contains(CollectorYamlWellFormed.NAME));
        }
    }

    @Nested
    class PipelineReferencesRule {
        final Rule rule = new PipelineReferences();

        @Test
        void builtInPipelinesReferenceDefinedComponents() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void undefinedProcessorIsNamed() {
            fails(rule, withCollector(c -> ((ArrayNode) pipeline(c, "metrics").get("processors")).add("filter/drop")),
                    SETTINGS, "pipeline metrics uses processor 'filter/drop'");
        }

        @Test
        void undefinedExporterIsNamed() {
            fails(rule, withCollector(c -> ((ArrayNode) pipeline(c, "logs").get("exporters")).add("otlphttp/tempo")),
                    SETTINGS, "exporter 'otlphttp/tempo'");
        }

        @Test
        void undefinedExtensionIsNamed() {
            fails(rule, withCollector(c -> ((ArrayNode) c.with("service").get("extensions")).add("pprof")),
                    SETTINGS, "'pprof'");
        }

        @Test
        void pipelineWithoutExporterFails() {
            fails(rule, withCollector(c -> pipeline(c, "logs").remove("exporters")), SETTINGS, "pipeline logs has no exporters");
        }
    }

    @Nested
    class MemoryLimiterFirstRule {
        final Rule rule = new MemoryLimiterFirst();

        @Test
        void builtInPutsTheLimiterFirst() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void limiterAfterBatchFails() {
            fails(rule, withCollector(c -> {
                ArrayNode p = (ArrayNode) pipeline(c, "logs").get("processors");
                p.removeAll();
                p.add("batch").add("memory_limiter");
            }), SETTINGS, "pipeline logs processors [batch, memory_limiter]");
        }

        @Test
        void pipelineWithoutLimiterFails() {
            fails(rule, withCollector(c -> ((ArrayNode) pipeline(c, "metrics").get("processors")).remove(0)),
                    SETTINGS, "pipeline metrics");
        }

        @Test
        void aNamedLimiterCounts() {
            passes(rule, withCollector(c -> {
                ObjectNode processors = c.with("processors");
                processors.set("memory_limiter/main", processors.remove("memory_limiter"));
                for (String p : new String[] {"metrics", "logs"}) {
                    ((ArrayNode) pipeline(c, p).get("processors")).set(0, "memory_limiter/main");
                }
            }), SETTINGS);
        }
    }

    @Nested
    class MemoryLimitAboveLimiterRule {
        final Rule rule = new MemoryLimitAboveLimiter();

        @Test
        void theDerivedLimitsPassWithTheirHeadroom() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertEquals("limit_mib 716 is 70% of the container limit 1Gi (at most 75%), GOMEMLIMIT 819MiB below it", r.observed());
            // Every size the setting allows derives limits the rule accepts.
            for (String size : new String[] {"256Mi", "600Mi", "1536Mi", "4Gi"}) {
                passes(rule, dev.migrate.bundle.BundleRenderer.render(SETTINGS.with(Map.of("collector-memory-limit", size))), SETTINGS);
            }
        }

        @Test
        void theIssuesCaseFails600MiAbove512IsNotEnough() {
            // Passed before: the real collector peaked at 683 MiB RSS with limit_mib 512 (bench/collector-scale.sh), above a 600Mi limit.
            Bundle config = withCollector(c -> c.with("processors").with("memory_limiter").put("limit_mib", 512).put("spike_limit_mib", 128));
            Bundle b = new Bundle(TestBundles.withObject("Deployment", d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/resources/limits"))
                    .put("memory", "600Mi")).objects(), config.collectorConfig(), config.collectorOrigin(), config.dashboardJson(),
                    config.dashboardOrigin());
            CheckResult r = fails(rule, b, SETTINGS, "memory_limiter limit_mib 512 is 85% of the container memory limit 600Mi (at most 75%)");
            assertTrue(r.fix().contains("collector-memory-limit"), r.fix());
        }

        @Test
        void aContainerLimitBelowTheDerivedLimitMibFails() {
            Bundle b = TestBundles.withObject("Deployment", d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/resources/limits"))
                    .put("memory", "512Mi"));
            fails(rule, b, SETTINGS, "limit_mib 716 is 140% of the container memory limit 512Mi");
        }

        @Test
        void limiterRaisedInOwnConfigFails() {
            fails(rule, withCollector(c -> c.with("processors").with("memory_limiter").put("limit_mib", 900)),
                    SETTINGS, "limit_mib 900 is 88% of the container memory limit 1Gi");
        }

        @Test
        void goMemLimitAtTheContainerLimitFails() {
            Bundle b = TestBundles.withObject("Deployment", d -> {
                for (var e : d.at("/spec/template/spec/containers/0/env")) {
                    if (e.path("name").asText().equals("GOMEMLIMIT")) {
                        ((ObjectNode) e).put("value", "1GiB");
                    }
                }
            });
            fails(rule, b, SETTINGS, "GOMEMLIMIT 1024MiB is not below the container limit 1Gi");
        }

        @Test
        void missingLimitFails() {
            Bundle b = TestBundles.withObject("Deployment", d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/resources"))
                    .remove("limits"));
            fails(rule, b, SETTINGS, "no readable memory limit");
        }

        @Test
        void quantitiesInOtherUnitsAreUnderstood() {
            passes(rule, TestBundles.withObject("Deployment", d -> ((ObjectNode) d.at("/spec/template/spec/containers/0/resources/limits"))
                    .put("memory", "1Gi")), SETTINGS);
            assertEquals(572.2, MemoryLimitAboveLimiter.mebibytes("600M").orElseThrow(), 0.1);
            assertTrue(MemoryLimitAboveLimiter.mebibytes("lots").isEmpty());
        }
    }

    @Nested
    class ListenEndpointsRule {
        final Rule rule = new ListenEndpoints();

        @Test
        void builtInListensOnAllInterfaces() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("0.0.0.0:4317") && r.observed().contains("0.0.0.0:13133")
                    && r.observed().contains("0.0.0.0:8888"), r.observed());
        }

        @Test
        void ownMetricsReaderOnLocalhostFails() {
            fails(rule, withCollector(c -> ownMetricsReader(c)
                    .put("host", "localhost")), SETTINGS,
                    "service.telemetry.metrics.readers[0].pull.exporter.prometheus.host is localhost");
        }

        @Test
        void ownMetricsReaderWithoutHostDefaultsToLocalhostAndFails() {
            fails(rule, withCollector(c -> ownMetricsReader(c)
                    .remove("host")), SETTINGS, "readers[0].pull.exporter.prometheus has no host (defaults to localhost)");
        }

        @Test
        void ownMetricsInTheOldAddressFormOnLoopbackFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/service/telemetry/metrics")).put("address", "127.0.0.1:8888")),
                    SETTINGS, "service.telemetry.metrics.address is 127.0.0.1:8888");
        }

        @Test
        void noOwnMetricsConfiguredIsNotAListenProblem() {
            CheckResult r = passes(rule, withCollector(c -> ((ObjectNode) c.get("service")).remove("telemetry")), SETTINGS);
            assertTrue(!r.observed().contains("8888"), r.observed());
        }

        @Test
        void localhostReceiverFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/receivers/otlp/protocols/grpc")).put("endpoint", "localhost:4317")),
                    SETTINGS, "receivers.otlp.protocols.grpc.endpoint is localhost:4317");
        }

        @Test
        void missingHealthCheckEndpointDefaultsToLocalhostAndFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/extensions/health_check")).remove("endpoint")),
                    SETTINGS, "extensions.health_check has no endpoint");
        }

        @Test
        void anotherReceiverOnLocalhostFails() {
            fails(rule, withCollector(c -> c.with("receivers").with("zipkin").put("endpoint", "localhost:9411")),
                    SETTINGS, "receivers.zipkin.endpoint is localhost:9411");
        }

        @Test
        void prometheusExporterOnLoopbackFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus")).put("endpoint", "127.0.0.1:8889")),
                    SETTINGS, "exporters.prometheus.endpoint is 127.0.0.1:8889");
        }
    }

    @Nested
    class SelfMetricsRule {
        final Rule rule = new SelfMetrics();

        @Test
        void builtInServesItsOwnMetricsOnTheScrapedPort() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("port 8888, scraped through port telemetry"), r.observed());
        }

        @Test
        void readerOnAnotherPortThanTheContainerFails() {
            fails(rule, withCollector(c -> ownMetricsReader(c)
                    .put("port", 9464)), SETTINGS, "serves on port 9464 but the Deployment's telemetry port is 8888");
        }

        @Test
        void noReaderWhileTheDeploymentExposesTheTelemetryPortFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.get("service")).remove("telemetry")), SETTINGS,
                    "exposes port telemetry (8888) but service.telemetry.metrics has no pull prometheus reader");
        }
    }

    /** Each case mirrors a refusal of the real collector (OfflineRulesVsRealCollectorTest). */
    @Nested
    class ComponentSettingsRule {
        final Rule rule = new ComponentSettings();

        @Test
        void builtInPasses() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void unknownKeysWrongTypesAndContradictoryLimitsFail() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/processors/batch")).put("sned_batch_size", 10)), SETTINGS,
                    "processors.batch has no setting 'sned_batch_size'");
            fails(rule, withCollector(c -> c.putObject("recievers")), SETTINGS, "unknown top-level section 'recievers'");
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/processors/memory_limiter")).put("limit_mib", "lots")), SETTINGS,
                    "processors.memory_limiter.limit_mib is \"lots\", not an integer");
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/processors/batch")).put("timeout", "soon")), SETTINGS,
                    "processors.batch.timeout is \"soon\", not a duration");
            // limit_mib is ${env:MEMORY_LIMIT_MIB}: read as the collector reads it, 716 from the Deployment.
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/processors/memory_limiter")).put("spike_limit_mib", 716)), SETTINGS,
                    "spike_limit_mib 716 is not below limit_mib 716");
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/processors/batch")).put("send_batch_max_size", 10)), SETTINGS,
                    "send_batch_max_size 10 is below send_batch_size 1024");
        }
    }

    /** The names the reader gives on 0.149 were checked by the real collector (RealCollectorPipelineTest). */
    @Nested
    class SelfMetricNamesRule {
        final Rule rule = new SelfMetricNames();

        Settings image(String tag) {
            return SETTINGS.with(Map.of("collector-image", "otel/opentelemetry-collector-contrib:" + tag));
        }

        @Test
        void builtInSetsTheNamingOptionsSoAnyImageKeepsTotal() {
            passes(rule, DEFAULT, image("0.165.0"));
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void unsetTypeSuffixPassesOnTheReleaseWhoseDefaultKeepsTotal() {
            passes(rule, withCollector(c -> ownMetricsReader(c).remove("without_type_suffix")), image("0.149.0"));
        }

        @Test
        void unsetTypeSuffixFailsOnAReleaseWhoseDefaultDropsTotal() {
            fails(rule, withCollector(c -> ownMetricsReader(c).remove("without_type_suffix")), image("0.152.0"),
                    "leaves without_type_suffix unset", "0.152 or later", "otelcol_receiver_refused_metric_points_total");
            fails(rule, withCollector(c -> ownMetricsReader(c).remove("without_type_suffix")),
                    SETTINGS.with(Map.of("collector-image", "otel/opentelemetry-collector-contrib@sha256:" + "a".repeat(64))),
                    "not a release we can read");
        }

        @Test
        void typeSuffixTrueFailsOnAnyImage() {
            fails(rule, withCollector(c -> ownMetricsReader(c).put("without_type_suffix", true)), image("0.149.0"),
                    "without_type_suffix: true, which drops _total");
        }
    }

    @Nested
    class HealthCheckRule {
        final Rule rule = new HealthCheckEnabled();

        @Test
        void builtInHealthCheckMatchesTheProbes() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void notEnabledInServiceFails() {
            fails(rule, withCollector(c -> ((ArrayNode) c.with("service").get("extensions")).removeAll()),
                    SETTINGS, "not listed in service.extensions");
        }

        @Test
        void otherPortThanTheProbesFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/extensions/health_check")).put("endpoint", "0.0.0.0:13134")),
                    SETTINGS, "listens on 13134 but the probes use port 13133");
        }
    }

    @Nested
    class UserLabelRule {
        final Rule rule = new UserLabel();

        @Test
        void builtInSetsUserOnPointsAndEvents() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("pipeline metrics") && r.observed().contains("pipeline logs"), r.observed());
        }

        @Test
        void logsPipelineWithoutTheTransformFails() {
            fails(rule, withCollector(c -> {
                ArrayNode p = (ArrayNode) pipeline(c, "logs").get("processors");
                for (int i = p.size() - 1; i >= 0; i--) {
                    if (p.get(i).asText().startsWith("transform")) {
                        p.remove(i);
                    }
                }
            }), SETTINGS, "pipeline logs sets no user attribute");
        }

        @Test
        void aTransformThatSetsOnlyTheMachineFails() {
            fails(rule, withCollector(c -> {
                ObjectNode t = c.with("processors").with("transform/identity");
                t.remove("log_statements");
                ArrayNode statements = (ArrayNode) t.get("metric_statements").get(0).get("statements");
                for (int i = statements.size() - 1; i >= 0; i--) {
                    if (statements.get(i).asText().contains("[\"user\"]")) {
                        statements.remove(i);
                    }
                }
            }), SETTINGS, "pipeline metrics", "pipeline logs");
        }
    }

    @Nested
    class NoDebugOrLokiExporterRule {
        final Rule rule = new NoDebugOrLokiExporter();

        @Test
        void builtInHasNeither() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void debugExporterFails() {
            fails(rule, withCollector(c -> c.with("exporters").with("debug").put("verbosity", "detailed")), SETTINGS, "debug");
        }

        @Test
        void deprecatedLokiAndLoggingExportersFail() {
            fails(rule, withCollector(c -> {
                c.with("exporters").with("loki").put("endpoint", "http://loki:3100/loki/api/v1/push");
                c.with("exporters").with("logging/old");
            }), SETTINGS, "loki", "logging/old");
        }
    }

    @Nested
    class PrometheusSuffixesRule {
        final Rule rule = new PrometheusSuffixes();

        @Test
        void builtInKeepsSuffixes() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void explicitSuffixStrategyPasses() {
            passes(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus"))
                    .put("translation_strategy", "UnderscoreEscapingWithSuffixes")), SETTINGS);
        }

        @Test
        void addMetricSuffixesFalseFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus")).put("add_metric_suffixes", false)),
                    SETTINGS, "add_metric_suffixes: false");
        }

        @Test
        void suffixlessTranslationStrategyFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus"))
                    .put("translation_strategy", "UnderscoreEscapingWithoutSuffixes")), SETTINGS, "UnderscoreEscapingWithoutSuffixes");
        }

        @Test
        void noPrometheusExporterFails() {
            fails(rule, withCollector(c -> {
                c.with("exporters").remove("prometheus");
                ((ArrayNode) pipeline(c, "metrics").get("exporters")).removeAll().add("otlphttp/loki");
            }), SETTINGS, "no prometheus exporter");
        }
    }

    @Nested
    class MetricExpirationRule {
        final Rule rule = new MetricExpiration();

        @Test
        void builtInKeepsSeriesTwoHours() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void defaultFiveMinutesFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus")).remove("metric_expiration")),
                    SETTINGS, "unset (5m)");
        }

        @Test
        void thirtyMinutesFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus")).put("metric_expiration", "30m")),
                    SETTINGS, "30m");
        }

        @Test
        void goDurationsParse() {
            assertEquals(Duration.ofMinutes(90), MetricExpiration.goDuration("1h30m"));
            assertEquals(Duration.ofHours(2), MetricExpiration.goDuration("120m"));
            assertNull(MetricExpiration.goDuration("2 hours"));
            passes(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus")).put("metric_expiration", "1h30m")), SETTINGS);
        }
    }

    @Nested
    class DeltaTemporalityRule {
        final Rule rule = new DeltaTemporality();

        @Test
        void builtInConvertsDeltas() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void metricsPipelineWithoutDeltaToCumulativeFails() {
            fails(rule, withCollector(c -> ((ArrayNode) pipeline(c, "metrics").get("processors")).remove(1)),
                    SETTINGS, "pipeline metrics exports to prometheus without deltatocumulative");
        }
    }

    @Nested
    class EnvReferencesRule {
        final Rule rule = new EnvReferences();

        @Test
        void builtInUsesOnlyWhatTheDeploymentSets() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("LOKI_OTLP_ENDPOINT"), r.observed());
        }

        @Test
        void unsetVariableFails() {
            fails(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/otlp_http~1loki")).put("endpoint", "${env:TEMPO_URL}")),
                    SETTINGS, "TEMPO_URL is used by the config but not set");
        }

        @Test
        void variableWithDefaultPasses() {
            passes(rule, withCollector(c -> ((ObjectNode) c.at("/exporters/prometheus"))
                    .put("metric_expiration", "${env:EXPIRY:-2h}")), SETTINGS);
        }
    }
}
