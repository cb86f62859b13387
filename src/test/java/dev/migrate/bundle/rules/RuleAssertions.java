package dev.migrate.bundle.rules;

import dev.migrate.bundle.Bundle;
import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.settings.Settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs one rule and checks the result the operator would read. */
final class RuleAssertions {
    private RuleAssertions() {
    }

    static CheckResult passes(Rule rule, Bundle bundle, Settings settings) {
        CheckResult r = rule.check(bundle, settings);
        assertEquals(rule.name(), r.name());
        assertEquals(Status.PASS, r.status(), () -> rule.name() + " should pass but: " + r);
        assertFalse(r.observed().isBlank(), "a pass still says what it saw");
        return r;
    }

    /** Fails, with a cause and a fix, and the observed text names every {@code fragment}. */
    static CheckResult fails(Rule rule, Bundle bundle, Settings settings, String... fragments) {
        CheckResult r = rule.check(bundle, settings);
        assertEquals(rule.name(), r.name());
        assertEquals(Status.FAIL, r.status(), () -> rule.name() + " should fail but: " + r);
        assertFalse(r.cause().isBlank(), "a failure says why it matters");
        assertFalse(r.fix().isBlank(), "a failure says how to fix it");
        for (String f : fragments) {
            assertTrue(r.observed().contains(f), () -> "observed '" + r.observed() + "' should mention '" + f + "'");
        }
        return r;
    }
}
