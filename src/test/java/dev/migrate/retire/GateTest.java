package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The gate reads soak's ledger record (outcome, digest, durationSeconds) and verify's checks now. */
class GateTest {
    @TempDir
    Path state;

    private final Settings settings = Settings.defaults();
    private final PipelineCheck passing = () -> List.of(CheckResult.pass("collector-up", "1"));

    @Test
    void passesOnlyWithAFullPassedSoakOnTheseSettingsAndVerifyPassingNow() {
        Ledger ledger = new Ledger(state);
        assertFalse(Gate.evaluate(ledger, settings, passing, false, "").allowed());
        soak(ledger, StepRecord.FAILED, settings.digest(), 86400);
        assertTrue(Gate.evaluate(ledger, settings, passing, false, "").why().contains("the last soak"));
        soak(ledger, StepRecord.PASSED, "sha256:someotherdigest", 86400);
        assertTrue(Gate.evaluate(ledger, settings, passing, false, "").why().contains("other settings"));
        soak(ledger, StepRecord.PASSED, settings.digest(), 86399);
        assertFalse(Gate.evaluate(ledger, settings, passing, false, "").allowed(), "one second short");
        soak(ledger, StepRecord.PASSED, settings.digest(), 86400);
        Gate.Verdict ok = Gate.evaluate(ledger, settings, passing, false, "");
        assertTrue(ok.allowed() && ok.passed(), ok.why());

        Gate.Verdict inconclusive = Gate.evaluate(ledger, settings, () -> List.of(
                CheckResult.inconclusive("loki-has-events", "no data", "no events yet", "wait")), false, "");
        assertFalse(inconclusive.allowed());
        assertEquals(Status.INCONCLUSIVE, inconclusive.results().get(1).status());
        Gate.Verdict allSkipped = Gate.evaluate(ledger, settings, () -> List.of(
                CheckResult.skipped("scrape-target", "no --prometheus-url"), CheckResult.skipped("loki-events", "no --loki-url")),
                false, "");
        assertFalse(allSkipped.allowed(), "checks that were all skipped prove nothing");
        assertTrue(allSkipped.why().contains("verify ran no checks (2 skipped)"), allSkipped.why());
        assertFalse(Gate.evaluate(ledger, settings, List::of, false, "").allowed(), "no checks is not a pass");
    }

    /**
     * An unnamed machine or a colliding client is the clients' set-up, not the new pipeline losing data;
     * the shipped verify.yaml marks its 'clients' check so (holdsRetireBack: false).
     */
    @Test
    void clientSetUpFindingsAreShownButDoNotHoldRetireBack() {
        Ledger ledger = new Ledger(state);
        soak(ledger, StepRecord.PASSED, settings.digest(), 86400);
        java.util.Set<String> advisory = dev.migrate.checks.CheckCatalogue.load(java.util.Optional.empty(), "verify.yaml").stream()
                .filter(c -> !c.holdsRetireBack()).map(dev.migrate.checks.CheckSpec::name).collect(java.util.stream.Collectors.toSet());
        assertEquals(java.util.Set.of("clients"), advisory, "the shipped checks: only 'clients' is about the clients' set-up");
        CheckResult unnamed = CheckResult.fail("clients", "1 machine without machine.name", "unset", "migrate client-env");
        Gate.Verdict v = Gate.evaluate(ledger, settings, PipelineCheck.of(() -> List.of(CheckResult.pass("collector-up", "1"),
                unnamed), advisory), false, "");
        assertTrue(v.allowed() && v.passed(), v.why());
        assertTrue(v.results().get(1).observed().contains("'clients' reports client set-up to fix"), v.results().get(1).observed());
        Gate.Verdict pipelineDown = Gate.evaluate(ledger, settings, PipelineCheck.of(() -> List.of(
                CheckResult.fail("collector-up", "0", "down", "fix it"), unnamed), advisory), false, "");
        assertFalse(pipelineDown.allowed());
        assertTrue(pipelineDown.why().contains("1 of 2 checks do not pass now: collector-up fail"), pipelineDown.why());
        // A checks folder of the user's own that does not mark it: the same finding holds retire back.
        Gate.Verdict unmarked = Gate.evaluate(ledger, settings, () -> List.of(CheckResult.pass("collector-up", "1"), unnamed), false, "");
        assertFalse(unmarked.allowed());
        assertTrue(unmarked.why().contains("clients fail"), unmarked.why());
    }

    @Test
    void aCheckThatIsNeitherTrueNorFalseAboutHoldingRetireBackIsRefusedNamingTheFileAndCheck() {
        dev.migrate.UserError e = org.junit.jupiter.api.Assertions.assertThrows(dev.migrate.UserError.class, () ->
                dev.migrate.checks.CheckCatalogue.parse("my/verify.yaml", "version: 1\nchecks:\n  - name: clients\n    kind: clients\n"
                        + "    holdsRetireBack: sometimes\n").get(0).holdsRetireBack());
        assertTrue(e.getMessage().contains("my/verify.yaml") && e.getMessage().contains("clients")
                && e.getMessage().contains("holdsRetireBack") && e.getMessage().contains("'sometimes' is not true or false"), e.getMessage());
    }

    @Test
    void forceOverridesButKeepsWhatTheGateSaw() {
        Gate.Verdict v = Gate.evaluate(new Ledger(state), settings, passing, true, "old laptop died; data archived by hand");
        assertTrue(v.allowed());
        assertFalse(v.passed());
        assertEquals("old laptop died; data archived by hand", v.reason());
        assertTrue(v.why().contains("no soak in the ledger"));
    }

    private void soak(Ledger ledger, String outcome, String digest, long seconds) {
        ledger.append(new StepRecord("soak", Instant.now(), Instant.now(), digest, outcome, "", "",
                Map.of(Gate.SOAK_DURATION_SECONDS, String.valueOf(seconds), "coverageSeconds", String.valueOf(seconds))));
    }
}
