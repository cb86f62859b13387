package dev.migrate.bundle.rules;

import dev.migrate.checks.CheckResult;

import java.util.List;

/** The common ending of a rule: pass with what was seen, or fail listing every problem found. */
final class Verdict {
    private Verdict() {
    }

    static CheckResult of(String name, List<String> problems, String passed, String cause, String fix) {
        return problems.isEmpty() ? CheckResult.pass(name, passed)
                : CheckResult.fail(name, String.join("; ", problems), cause, fix);
    }
}
