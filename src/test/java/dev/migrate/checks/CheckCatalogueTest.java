package dev.migrate.checks;

import dev.migrate.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** checks/verify.yaml and the shared envelope: what loads, and one-line errors for what does not. */
class CheckCatalogueTest {
    @Test
    void theBundledCatalogueLoadsAndEveryKindIsKnown() {
        List<CheckSpec> specs = CheckCatalogue.load(Optional.empty(), VerifyChecks.FILE);
        List<Check> checks = VerifyChecks.of(specs);
        assertEquals(List.of("vip-reachable", "synthetic-round-trip", "scrape-target", "metric-names", "client-data",
                "clients", "loki-events", "loki-config", "dashboard", "alert-rules", "test-alert", "cluster"),
                checks.stream().map(Check::name).toList());
        assertEquals(Duration.ofSeconds(60), checks.get(1).timeout());
        assertEquals(Duration.ofSeconds(10), checks.get(2).timeout(), "defaults.timeout");
        assertTrue(specs.stream().allMatch(s -> VerifyChecks.kinds().contains(s.kind())));
    }

    @Test
    void aChecksDirOverridesTheBundledFileAndNeedsNoJavaChange(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("verify.yaml"), """
                version: 1
                defaults: {timeout: 3s}
                checks:
                  - name: my-extra-names
                    kind: metric-names
                    required: [claude_code_session_count_total]
                """);
        List<Check> checks = VerifyChecks.of(CheckCatalogue.load(Optional.of(dir), VerifyChecks.FILE));
        assertEquals("my-extra-names", checks.get(0).name());
        assertEquals(Duration.ofSeconds(3), checks.get(0).timeout());
    }

    @Test
    void badFilesAreOneLineErrorsNamingTheFile() {
        String[][] cases = {
                {"checks: [", "not valid YAML"},
                {"version: 2\nchecks: []", "'version: 2' is not supported"},
                {"version: 1\nchecks: []", "non-empty list"},
                {"version: 1\nchecks:\n  - {name: a, kind: scrape-target}\n  - {name: a, kind: scrape-target}", "appears twice"},
                {"version: 1\nchecks:\n  - {name: A b, kind: scrape-target}", "lower-case"},
                {"version: 1\nchecks:\n  - {name: a}", "has no kind"},
                {"version: 1\nchecks:\n  - {name: a, kind: scrape-target, timeout: soon}", "timeout 'soon' is not a duration"},
                {"version: 1\ndefaults: {timeout: x}\nchecks:\n  - {name: a, kind: scrape-target}", "defaults.timeout"},
        };
        for (String[] c : cases) {
            UserError e = assertThrows(UserError.class, () -> CheckCatalogue.parse("my.yaml", c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("my.yaml"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), c[1] + " in " + e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        UserError kind = assertThrows(UserError.class, () -> VerifyChecks.of(CheckCatalogue.parse("my.yaml",
                "version: 1\nchecks:\n  - {name: a, kind: telepathy}")));
        assertTrue(kind.getMessage().contains("unknown kind 'telepathy'") && kind.getMessage().contains("scrape-target"));
        UserError missingDir = assertThrows(UserError.class,
                () -> CheckCatalogue.load(Optional.of(Path.of("/nonexistent-checks")), VerifyChecks.FILE));
        assertTrue(missingDir.getMessage().startsWith("checks-dir"), missingDir.getMessage());
    }

    @Test
    void onlyAndSkipRejectUnknownNamesListingTheKnownOnes() {
        List<Check> all = VerifyChecks.of(CheckCatalogue.load(Optional.empty(), VerifyChecks.FILE));
        assertEquals(List.of("scrape-target"), VerifyChecks.select(all, List.of("scrape-target"), List.of()).stream()
                .map(Check::name).toList());
        assertEquals(all.size() - 2, VerifyChecks.select(all, List.of(), List.of("cluster", "test-alert")).size());
        UserError e = assertThrows(UserError.class, () -> VerifyChecks.select(all, List.of("scrape-targets"), List.of()));
        assertTrue(e.getMessage().contains("unknown check 'scrape-targets'") && e.getMessage().contains("scrape-target,"),
                e.getMessage());
    }
}
