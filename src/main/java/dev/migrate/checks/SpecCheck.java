package dev.migrate.checks;

import java.time.Duration;
import java.time.Instant;

/** A check declared in a checks file: name and timeout come from its {@link CheckSpec}. */
public abstract class SpecCheck implements Check {
    protected final CheckSpec spec;

    protected SpecCheck(CheckSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Duration timeout() {
        return spec.timeout();
    }

    protected CheckResult pass(String observed) {
        return CheckResult.pass(name(), observed);
    }

    protected CheckResult fail(String observed, String cause, String fix) {
        return CheckResult.fail(name(), observed, cause, fix);
    }

    protected CheckResult inconclusive(String observed, String cause, String fix) {
        return CheckResult.inconclusive(name(), observed, cause, fix);
    }

    protected static Instant now(CheckContext ctx) {
        return ctx.clock().instant();
    }

    /** "1h" for messages. */
    protected static String window(CheckContext ctx) {
        return dev.migrate.settings.Values.format(ctx.since());
    }
}
