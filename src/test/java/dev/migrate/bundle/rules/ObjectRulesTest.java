package dev.migrate.bundle.rules;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.BundleRenderer;
import dev.migrate.bundle.TestBundles;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.migrate.bundle.rules.RuleAssertions.fails;
import static dev.migrate.bundle.rules.RuleAssertions.passes;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules over the rendered Kubernetes objects. */
class ObjectRulesTest {
    private static final Settings SETTINGS = TestBundles.settings();
    private static final Bundle DEFAULT = TestBundles.defaults();

    @Nested
    class VipInPoolRule {
        final Rule rule = new VipInPool();

        @Test
        void defaultVipIsInThePoolAndFree() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void vipOutsideThePoolFails() {
            Settings s = SETTINGS.with(Map.of("vip", "10.10.31.22"));
            CheckResult r = fails(rule, BundleRenderer.render(s), s, "10.10.31.22 is outside the pool 10.10.30.20-10.10.30.99");
            assertTrue(r.cause().contains("no_pool"), r.cause());
        }

        @Test
        void reservedVipFails() {
            Settings s = SETTINGS.with(Map.of("vip", "10.10.30.53"));
            fails(rule, BundleRenderer.render(s), s, "10.10.30.53 is reserved");
        }

        @Test
        void serviceWithoutTheAnnotationFails() {
            fails(rule, TestBundles.withObject("Service", o -> ((ObjectNode) o.at("/metadata")).remove("annotations")),
                    SETTINGS, "annotation lbipam.cilium.io/ips is ''");
        }

        @Test
        void legacyAnnotationIsRead() {
            passes(rule, TestBundles.withObject("Service", o -> {
                ObjectNode annotations = (ObjectNode) o.at("/metadata/annotations");
                annotations.set(VipInPool.LEGACY_ANNOTATION, annotations.remove(VipInPool.ANNOTATION));
            }), SETTINGS);
        }
    }

    @Nested
    class SourceRangesRule {
        final Rule rule = new SourceRanges();

        @Test
        void defaultPrivateNetworksPass() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"), r.observed());
        }

        @Test
        void catchAllRangeFails() {
            Settings open = SETTINGS.with(Map.of("trusted-cidrs", "10.10.0.0/16,0.0.0.0/0"));
            fails(rule, BundleRenderer.render(open), open, "0.0.0.0/0 admits every address");
        }

        @Test
        void missingRangesFail() {
            fails(rule, TestBundles.withObject("Service", o -> ((ObjectNode) o.get("spec")).remove("loadBalancerSourceRanges")),
                    SETTINGS, "Service/otel-collector has no loadBalancerSourceRanges");
        }

        @Test
        void emptySettingFails() {
            Settings none = SETTINGS.with(Map.of("trusted-cidrs", ""));
            fails(rule, BundleRenderer.render(none), none, "no loadBalancerSourceRanges");
        }
    }

    @Nested
    class SelectorsConsistentRule {
        final Rule rule = new SelectorsConsistent();

        @Test
        void builtInObjectsSelectEachOther() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void serviceSelectingOtherPodsFails() {
            fails(rule, TestBundles.withObject("Service", o -> ((ObjectNode) o.at("/spec/selector"))
                    .put("app.kubernetes.io/name", "collector")), SETTINGS, "Service spec.selector app.kubernetes.io/name=collector");
        }

        @Test
        void deploymentSelectorNotMatchingItsPodsFails() {
            fails(rule, TestBundles.withObject("Deployment", o -> ((ObjectNode) o.at("/spec/selector/matchLabels"))
                    .put("tier", "otel")), SETTINGS, "Deployment spec.selector.matchLabels tier=otel");
        }

        @Test
        void serviceMonitorOnAnUnknownPortFails() {
            fails(rule, TestBundles.withObject("ServiceMonitor", o -> ((ObjectNode) o.at("/spec/endpoints/0"))
                    .put("port", "metrics")), SETTINGS, "endpoint port 'metrics' is not a Service port name");
        }

        @Test
        void serviceMonitorTelemetryEndpointWithoutItsServicePortFails() {
            fails(rule, TestBundles.withObject("Service", o -> ((ArrayNode) o.at("/spec/ports")).remove(3)), SETTINGS,
                    "endpoint port 'telemetry' is not a Service port name [otlp-grpc, otlp-http, prometheus]");
        }

        @Test
        void telemetryServicePortWithoutTheContainerPortFails() {
            fails(rule, TestBundles.withObject("Deployment", o -> ((ArrayNode) o.at("/spec/template/spec/containers/0/ports"))
                    .remove(3)), SETTINGS, "Service port telemetry targets telemetry, which the collector container does not expose");
        }

        @Test
        void serviceMonitorInOtherNamespaceFails() {
            fails(rule, TestBundles.withObject("ServiceMonitor", o -> ((ObjectNode) o.at("/spec/namespaceSelector"))
                    .putArray("matchNames").add("observability")), SETTINGS, "does not include monitoring");
        }

        @Test
        void serviceTargetingAnUnexposedPortFails() {
            fails(rule, TestBundles.withObject("Service", o -> ((ObjectNode) o.at("/spec/ports/2"))
                    .put("targetPort", "metrics")), SETTINGS, "targets metrics");
        }

        @Test
        void missingServiceMonitorFails() {
            fails(rule, TestBundles.without("ServiceMonitor"), SETTINGS, "a ServiceMonitor");
        }
    }

    @Nested
    class ReleaseLabelRule {
        final Rule rule = new ReleaseLabel();

        @Test
        void builtInCarriesTheReleaseLabel() {
            passes(rule, DEFAULT, SETTINGS);
        }

        @Test
        void missingLabelFails() {
            fails(rule, TestBundles.withObject("ServiceMonitor", o -> ((ObjectNode) o.at("/metadata/labels")).remove("release")),
                    SETTINGS, "ServiceMonitor/otel-collector has release=(none)");
        }

        @Test
        void otherHelmReleaseFails() {
            Settings kps = SETTINGS.with(Map.of("prometheus-release", "kube-prometheus-stack"));
            fails(rule, DEFAULT, kps, "PrometheusRule/claude-code-alerts has release=prometheus", "expected release=kube-prometheus-stack");
        }

        @Test
        void missingPrometheusRuleFails() {
            fails(rule, TestBundles.without("PrometheusRule"), SETTINGS, "no PrometheusRule");
        }
    }

    @Nested
    class ConfigMapSizeRule {
        final Rule rule = new ConfigMapSize();

        @Test
        void builtInConfigMapsAreSmall() {
            CheckResult r = passes(rule, DEFAULT, SETTINGS);
            assertTrue(r.observed().contains("claude-code-dashboard"), r.observed());
        }

        @Test
        void aHugeDashboardFails() {
            String padding = "x".repeat(1_100_000);
            fails(rule, TestBundles.withObject("ConfigMap", o -> {
                if (o.at("/metadata/name").asText().equals("claude-code-dashboard")) {
                    ((ObjectNode) o.get("data")).put("claude-code.json", "{\"description\": \"" + padding + "\"}");
                }
            }), SETTINGS, "claude-code-dashboard 1074 KiB", "(limit 1 MiB)");
        }
    }
}
