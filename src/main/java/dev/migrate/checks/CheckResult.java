package dev.migrate.checks;

import java.time.Duration;
import java.util.Objects;

/**
 * The one shape every check, rule and preflight returns: what was looked at, what was seen,
 * and for anything but a pass the likely cause and the fix. Reports only render this shape.
 *
 * @param name     stable identifier, e.g. {@code vip-reachable} or {@code collector.memory-limiter-first}
 * @param status   pass / fail / inconclusive / skipped
 * @param observed what was actually seen (a value, a count, a latency), never a secret
 * @param cause    the likely cause; empty for a pass
 * @param fix      what the operator should do; empty for a pass
 * @param elapsed  how long the check took ({@link Duration#ZERO} for offline rules)
 */
public record CheckResult(String name, Status status, String observed, String cause, String fix, Duration elapsed) {

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        observed = observed == null ? "" : observed;
        cause = cause == null ? "" : cause;
        fix = fix == null ? "" : fix;
        elapsed = elapsed == null ? Duration.ZERO : elapsed;
    }

    public static CheckResult pass(String name, String observed) {
        return new CheckResult(name, Status.PASS, observed, "", "", Duration.ZERO);
    }

    public static CheckResult fail(String name, String observed, String cause, String fix) {
        return new CheckResult(name, Status.FAIL, observed, cause, fix, Duration.ZERO);
    }

    public static CheckResult inconclusive(String name, String observed, String cause, String fix) {
        return new CheckResult(name, Status.INCONCLUSIVE, observed, cause, fix, Duration.ZERO);
    }

    public static CheckResult skipped(String name, String why) {
        return new CheckResult(name, Status.SKIPPED, "", why, "", Duration.ZERO);
    }

    public CheckResult withElapsed(Duration took) {
        return new CheckResult(name, status, observed, cause, fix, took);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
