package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `migrate deploy --dry-run` end to end in-process: what the operator sees and the exit code. */
class DeployCommandTest {
    /** Every offline rule runs in a dry-run; counted, so a new rule does not change these tests. */
    static final int RULES = dev.migrate.bundle.BundleValidator.RULES.size();
    @TempDir
    Path dir;
    /** An empty settings file, so a migrate.yaml in the working directory cannot change the outcome. */
    Path config;

    @BeforeEach
    void emptySettings() throws Exception {
        config = Files.writeString(dir.resolve("migrate.yaml"), "");
    }

    private CliRun deploy(String... args) {
        List<String> all = new ArrayList<>(List.of("deploy", "--config", config.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private Path collectorWith(String from, String to) throws Exception {
        String text = Files.readString(Path.of("collector/config.yaml"));
        assertTrue(text.contains(from), from);
        return Files.writeString(dir.resolve("collector.yaml"), text.replace(from, to));
    }

    @Test
    void dryRunPrintsThePlanInApplyOrderAndPasses() {
        CliRun run = deploy("--dry-run");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("", run.err());
        String out = run.out();
        int cm = out.indexOf("1. ConfigMap       monitoring/otel-collector-config");
        int deployment = out.indexOf("2. Deployment      monitoring/otel-collector");
        int service = out.indexOf("3. Service         monitoring/otel-collector");
        int monitor = out.indexOf("4. ServiceMonitor  monitoring/otel-collector");
        int rule = out.indexOf("5. PrometheusRule  monitoring/claude-code-alerts");
        int dashboard = out.indexOf("6. ConfigMap       monitoring/claude-code-dashboard");
        assertTrue(cm > 0 && cm < deployment && deployment < service && service < monitor && monitor < rule && rule < dashboard, out);
        assertTrue(out.contains("LoadBalancer 10.10.30.22, ports otlp-grpc 4317, otlp-http 4318, prometheus 8889, telemetry 8888"), out);
        assertTrue(out.contains("scrapes port prometheus /metrics every 15s, port telemetry /metrics every 15s"), out);
        assertTrue(out.contains("pass  collector.memory-limiter-first"), out);
        assertTrue(out.contains("Result: passed (" + RULES + " of " + RULES + " rules passed, 0 failed)"), out);
        assertTrue(out.contains("settings digest:  " + Settings.defaults().digest()), out);
    }

    @Test
    void jsonPlanIsAStableDocument() throws Exception {
        CliRun run = deploy("--dry-run", "-o", "json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode doc = Json.MAPPER.readTree(run.out());
        List<String> keys = new ArrayList<>();
        doc.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("settingsDigest", "bundleDigest", "collectorConfig", "dashboard", "plan", "rules", "outcome"), keys);
        assertEquals(Settings.defaults().digest(), doc.get("settingsDigest").asText());
        assertEquals(6, doc.get("plan").size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1, doc.get("plan").get(i).get("order").asInt());
            assertEquals("monitoring", doc.get("plan").get(i).get("namespace").asText());
        }
        assertEquals("Deployment", doc.at("/plan/1/kind").asText());
        assertEquals("apps/v1", doc.at("/plan/1/apiVersion").asText());
        assertEquals(RULES, doc.get("rules").size());
        doc.get("rules").forEach(r -> assertEquals("pass", r.get("status").asText(), r.toString()));
        assertEquals("passed", doc.get("outcome").asText());
        assertEquals(run.out(), deploy("--dry-run", "-o", "json").out(), "same input, same bytes");
    }

    @Test
    void showManifestsIncludesEveryObjectInFull() throws Exception {
        JsonNode doc = Json.MAPPER.readTree(deploy("--dry-run", "-o", "json", "--show-manifests").out());
        assertEquals(6, doc.get("manifests").size());
        assertEquals("0.0.0.0:4317", Json.YAML.readTree(doc.at("/manifests/0/data/config.yaml").asText())
                .at("/receivers/otlp/protocols/grpc/endpoint").asText());
        CliRun text = deploy("--dry-run", "--show-manifests");
        assertTrue(text.out().contains("---\napiVersion: apps/v1\nkind: Deployment"), text.out());
    }

    @Test
    void flagsReachTheBundle() throws Exception {
        CliRun run = deploy("--dry-run", "-o", "json", "--show-manifests", "--vip", "10.10.30.23",
                "--trusted-cidr", "10.10.0.0/16", "--trusted-cidr", "192.168.1.0/24", "-n", "observability");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode doc = Json.MAPPER.readTree(run.out());
        assertEquals("10.10.30.23", doc.at("/manifests/2/metadata/annotations/lbipam.cilium.io~1ips").asText());
        assertEquals("[\"10.10.0.0/16\",\"192.168.1.0/24\"]", doc.at("/manifests/2/spec/loadBalancerSourceRanges").toString());
        assertEquals("observability", doc.at("/plan/0/namespace").asText());
        assertEquals(Settings.defaults().with(Map.of("vip", "10.10.30.23", "trusted-cidrs", "10.10.0.0/16,192.168.1.0/24",
                "namespace", "observability")).digest(), doc.get("settingsDigest").asText());
    }

    @Test
    void bundleDigestFollowsTheContentOfYourOwnFiles() throws Exception {
        Path own = collectorWith("limit_mib: ${env:MEMORY_LIMIT_MIB}", "limit_mib: 500");
        String first = Json.MAPPER.readTree(deploy("--dry-run", "-o", "json", "--collector-config", own.toString()).out())
                .get("bundleDigest").asText();
        collectorWith("limit_mib: ${env:MEMORY_LIMIT_MIB}", "limit_mib: 490");
        JsonNode second = Json.MAPPER.readTree(deploy("--dry-run", "-o", "json", "--collector-config", own.toString()).out());
        assertTrue(first.startsWith("sha256:"), first);
        assertTrue(!first.equals(second.get("bundleDigest").asText()), "same path, new content, new bundle digest");
    }

    @Test
    void withoutDryRunTheContextMustBeNamed() {
        CliRun run = deploy();
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out().lines().filter(l -> !l.startsWith("bundle:")).reduce("", String::concat));
        assertTrue(run.errorLine().contains("--context"), run.err());
    }

    @Test
    void dryRunAndDiffTogetherAreRefused() {
        CliRun run = deploy("--dry-run", "--diff");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.errorLine().contains("use one of them"), run.err());
    }

    @Test
    void malformedCollectorConfigIsBadInputWithLineAndColumn() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "receivers:\n  otlp:\n    protocols: [grpc\nexporters: {}\n");
        CliRun run = deploy("--dry-run", "--collector-config", bad.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out(), "no plan for input that cannot be read");
        assertTrue(run.errorLine().matches("migrate: error: " + java.util.regex.Pattern.quote(bad.toString())
                + ":\\d+:\\d+: not valid YAML .*"), run.err());
    }

    @Test
    void malformedDashboardIsBadInputWithLineAndColumn() throws Exception {
        Path bad = Files.writeString(dir.resolve("dash.json"), "{\"panels\": [\n  {\"title\": }\n]}");
        CliRun run = deploy("--dry-run", "--dashboard", bad.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains(bad + ":2:"), run.err());
    }

    @Test
    void missingCollectorConfigFileIsBadInput() {
        CliRun run = deploy("--dry-run", "--collector-config", dir.resolve("missing.yaml").toString());
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.errorLine().contains("collector-config: ") && run.err().contains("missing.yaml does not exist"), run.err());
    }

    @Test
    void vipOutsideThePoolFailsTheRuleWithOneLine() {
        CliRun run = deploy("--dry-run", "--vip", "10.10.31.22");
        assertEquals(ExitCodes.FAILED, run.exitCode());
        assertTrue(run.out().contains("FAIL  service.vip-in-pool"), run.out());
        assertTrue(run.out().contains("Result: failed (" + (RULES - 1) + " of " + RULES + " rules passed, 1 failed)"), run.out());
        assertTrue(run.errorLine().startsWith("migrate: error: 1 of " + RULES + " rules failed, first service.vip-in-pool: "
                + "VIP 10.10.31.22 is outside the pool 10.10.30.20-10.10.30.99"), run.err());
    }

    @Test
    void reservedVipFails() {
        CliRun run = deploy("--dry-run", "--vip", "10.10.30.21", "-o", "json");
        assertEquals(ExitCodes.FAILED, run.exitCode());
        assertTrue(run.errorLine().contains("VIP 10.10.30.21 is reserved"), run.err());
        assertTrue(run.out().contains("\"outcome\" : \"failed\""), run.out());
    }

    @Test
    void vipThatIsNotAnAddressIsBadInput() {
        CliRun run = deploy("--dry-run", "--vip", "10.10.30");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.errorLine().contains("flag --vip: vip '10.10.30' is not an IPv4 address"), run.err());
    }

    @Test
    void malformedCidrIsBadInput() {
        CliRun run = deploy("--dry-run", "--trusted-cidr", "10.10.0.0/16", "--trusted-cidr", "10.0.0.0/33");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.errorLine().contains("trusted-cidrs") && run.err().contains("'10.0.0.0/33' is not an IPv4 CIDR"), run.err());
    }

    @Test
    void ownCollectorConfigBreakingARuleIsNamedWithItsFix() throws Exception {
        Path own = collectorWith("      exporters: [prometheus]", "      exporters: [prometheus, debug]\n");
        Files.writeString(own, Files.readString(own).replace("exporters:\n", "exporters:\n  debug: {}\n"));
        CliRun run = deploy("--dry-run", "--collector-config", own.toString());
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("collector config: " + own), run.out());
        assertTrue(run.out().contains("FAIL  collector.no-debug-or-loki-exporter"), run.out());
        assertTrue(run.errorLine().contains("collector.no-debug-or-loki-exporter: exporters [debug]"), run.err());
    }

    @Test
    void upstreamDashboardUidIsCaught() throws Exception {
        String dash = Files.readString(Path.of("manifests/dashboard/claude-code.json"))
                .replace("{{prometheus-datasource-uid}}", "PBFA97CFB590B2093");
        Path own = Files.writeString(dir.resolve("upstream.json"), dash);
        CliRun run = deploy("--dry-run", "--dashboard", own.toString());
        assertEquals(ExitCodes.FAILED, run.exitCode());
        assertTrue(run.errorLine().contains("dashboard.datasource-uids: uid PBFA97CFB590B2093 (prometheus)"), run.err());
    }

    @Test
    void aDashboardWithoutTheFilterVariablesIsReportedByTheRule() throws Exception {
        // a seed-style dashboard: the built-in panels, no templating, Loki panels on claude-code only
        com.fasterxml.jackson.databind.node.ObjectNode d = (com.fasterxml.jackson.databind.node.ObjectNode)
                dev.migrate.Json.MAPPER.readTree(Files.readString(Path.of("manifests/dashboard/claude-code.json")));
        d.putObject("templating").putArray("list");
        Path own = Files.writeString(dir.resolve("no-variables.json"), dev.migrate.Json.MAPPER.writeValueAsString(d)
                .replace("service_name=~\\\"claude-code|claude-code-desktop\\\"", "service_name=\\\"claude-code\\\""));
        CliRun run = deploy("--dry-run", "--dashboard", own.toString());
        assertEquals(ExitCodes.FAILED, run.exitCode(), run.out());
        assertTrue(run.out().contains("FAIL  dashboard.template-variables") && run.out().contains("no template variable user,"
                + " model, machine, terminal in templating.list"), run.out());
        assertTrue(run.out().contains("FAIL  dashboard.loki-both-services"), run.out());
        assertTrue(run.errorLine().startsWith("migrate: error: 2 of " + RULES + " rules failed, first dashboard.loki-both-services: "), run.err());
    }

    @Test
    void helpListsDeploy() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith("deploy ")), run.out());
    }
}
