package dev.migrate.settings;

import dev.migrate.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsLoaderTest {
    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("migrate.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void defaultsAreTheHomelabValues() {
        Settings s = SettingsLoader.load(Optional.empty(), Map.of(), Map.of());
        assertEquals("monitoring", s.namespace());
        assertEquals("10.10.30.22", s.vip());
        assertEquals("10.10.30.20-10.10.30.99", s.lbPool().toString());
        assertEquals("otel/opentelemetry-collector-contrib:0.149.0", s.collectorImage());
        assertEquals("claude-monitoring", s.composeProject());
        assertTrue(s.context().isEmpty(), "the context must never default to anything");
        assertEquals(Source.DEFAULT, s.provenance(SettingKeys.VIP).source());
    }

    @Test
    void flagsBeatEnvironmentBeatFileBeatDefaults() throws Exception {
        Path f = file("vip: 10.10.30.23\nnamespace: from-file\ncontext: homelab\n");
        Settings s = SettingsLoader.load(Optional.of(f),
                Map.of("MIGRATE_VIP", "10.10.30.24", "MIGRATE_NAMESPACE", "from-env"),
                Map.of("vip", "10.10.30.25"));
        assertEquals("10.10.30.25", s.vip());
        assertEquals("flag --vip", s.provenance(SettingKeys.VIP).describe());
        assertEquals("from-env", s.namespace());
        assertEquals("env MIGRATE_NAMESPACE", s.provenance(SettingKeys.NAMESPACE).describe());
        assertEquals("homelab", s.context().orElseThrow());
        assertEquals("file " + f, s.provenance(SettingKeys.CONTEXT).describe());
    }

    @Test
    void yamlListsBecomeLists() throws Exception {
        Path f = file("trusted-cidrs:\n  - 10.10.0.0/16\n  - 192.168.1.0/24\n");
        Settings s = SettingsLoader.load(Optional.of(f), Map.of(), Map.of());
        assertEquals(List.of("10.10.0.0/16", "192.168.1.0/24"), s.trustedCidrs());
    }

    @Test
    void malformedYamlNamesFileLineAndColumn() throws Exception {
        Path f = file("vip: 10.10.30.22\nnamespace: [monitoring\n");
        UserError e = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
        assertTrue(e.getMessage().matches(".*migrate\\.yaml:\\d+:\\d+: not valid YAML.*"), e.getMessage());
    }

    @Test
    void unknownKeyIsRefusedWithASuggestion() throws Exception {
        Path f = file("vips: 10.10.30.22\n");
        UserError e = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("unknown key 'vips'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'vip'"), e.getMessage());
    }

    @Test
    void badValuesNameTheSourceAndTheKey() throws Exception {
        UserError env = assertThrows(UserError.class,
                () -> SettingsLoader.load(Optional.empty(), Map.of("MIGRATE_VIP", "10.10.30.256"), Map.of()));
        assertTrue(env.getMessage().startsWith("env MIGRATE_VIP: vip '10.10.30.256' is not an IPv4 address"), env.getMessage());

        Path f = file("trusted-cidrs: [10.10.0.0/16, 10.10.0.0/33]\n");
        UserError cidr = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertTrue(cidr.getMessage().contains("'10.10.0.0/33' is not an IPv4 CIDR"), cidr.getMessage());

        UserError image = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(), Map.of(),
                Map.of("collector-image", "otel/opentelemetry-collector-contrib:latest")));
        assertTrue(image.getMessage().contains("never :latest"), image.getMessage());

        UserError pool = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(), Map.of(),
                Map.of("lb-pool", "10.10.30.99-10.10.30.20")));
        assertTrue(pool.getMessage().contains("FIRST <= LAST"), pool.getMessage());
    }

    @Test
    void alertThresholdsAndBudgetsMustBePositiveNumbers() throws Exception {
        for (String bad : new String[] {"0", "-5", "ten", "1e3"}) {
            UserError e = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(), Map.of(),
                    Map.of("monthly-budget-usd", bad)), bad);
            assertTrue(e.getMessage().endsWith(": monthly-budget-usd '" + bad + "' is not a positive number (e.g. 10 or 0.05; plain digits, no exponent, Infinity or NaN);"
                    + " fix the value or remove it to use the default '200'"), e.getMessage());
        }
        Path f = file("daily-spend-critical-usd: 0\n");
        UserError file = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertTrue(file.getMessage().contains("daily-spend-critical-usd '0' is not a positive number"), file.getMessage());
        UserError env = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(),
                Map.of("MIGRATE_USER_DAILY_SPEND_USD", "-1"), Map.of()));
        assertTrue(env.getMessage().startsWith("env MIGRATE_USER_DAILY_SPEND_USD: user-daily-spend-usd '-1' is not a positive number"),
                env.getMessage());
        // recording-interval 2m: a valid duration, but Grafana's 5m step would hold two and a half intervals
        for (Map.Entry<String, String> bad : Map.of("billing-day", "31", "business-hours", "17-9", "business-days", "1-7",
                "loki-ruler", "yes", "recording-interval", "2m").entrySet()) {
            UserError e = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(), Map.of(),
                    Map.of(bad.getKey(), bad.getValue())), bad.toString());
            assertTrue(e.getMessage().contains(bad.getKey() + " '" + bad.getValue() + "' is not "), e.getMessage());
        }
        UserError interval = assertThrows(UserError.class, () -> SettingsLoader.load(Optional.empty(),
                Map.of("MIGRATE_RECORDING_INTERVAL", "90s"), Map.of()));
        assertTrue(interval.getMessage().contains("recording-interval '90s' is not a recording interval (one of 1s, 5s, 30s, 1m, 5m"),
                interval.getMessage());
        assertEquals("30s", SettingsLoader.load(Optional.empty(), Map.of(), Map.of("recording-interval", "30s")).recordingInterval());
        Settings ok = SettingsLoader.load(Optional.empty(), Map.of(), Map.of("business-hours", "8-18", "billing-day", "15"));
        assertEquals(List.of(8, 18), java.util.Arrays.stream(ok.businessHours().orElseThrow()).boxed().toList());
        assertEquals("15", ok.raw(SettingKeys.BILLING_DAY));
        assertTrue(Settings.defaults().businessHours().isEmpty(), "the business-hours alert is off by default");
    }

    @Test
    void missingExplicitConfigFileIsAnError() {
        UserError e = assertThrows(UserError.class,
                () -> SettingsLoader.load(Optional.of(dir.resolve("nope.yaml")), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("nope.yaml does not exist"), e.getMessage());
    }

    @Test
    void digestFollowsWhatIsDeployedNotLocalPaths() {
        Settings base = Settings.defaults();
        assertEquals(base.digest(), base.with(Map.of("state-dir", "/tmp/elsewhere")).digest());
        assertNotEquals(base.digest(), base.with(Map.of("vip", "10.10.30.23")).digest());
    }
}
