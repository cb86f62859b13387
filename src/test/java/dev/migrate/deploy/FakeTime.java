package dev.migrate.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock that only moves when the code under test sleeps, and runs "the cluster's controllers"
 * (a test callback) at each sleep, so waits are exercised without waiting.
 */
public final class FakeTime extends Clock implements Sleeper {
    private Instant now = Instant.parse("2026-11-27T06:00:00Z");
    private final List<Duration> sleeps = new ArrayList<>();
    private Runnable onSleep = () -> { };

    public FakeTime onSleep(Runnable controllers) {
        this.onSleep = controllers;
        return this;
    }

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        now = now.plus(d);
        onSleep.run();
    }

    Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    int sleepCount() {
        return sleeps.size();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
