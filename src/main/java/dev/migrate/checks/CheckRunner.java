package dev.migrate.checks;

import dev.migrate.endpoints.EndpointException;
import dev.migrate.settings.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs checks concurrently, each on its own thread with its own deadline counted from the common
 * start: a slow endpoint costs only its own check's timeout. Results come back in catalogue order.
 * Threads are daemons, so a check stuck past its timeout never keeps the process alive.
 */
public final class CheckRunner {
    private CheckRunner() {
    }

    public static List<CheckResult> run(List<? extends Check> checks, CheckContext ctx) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, checks.size()), r -> {
            Thread t = new Thread(r, "check");
            t.setDaemon(true);
            return t;
        });
        try {
            long start = System.nanoTime();
            List<Future<CheckResult>> futures = new ArrayList<>();
            for (Check check : checks) {
                futures.add(pool.submit(() -> runOne(check, ctx)));
            }
            List<CheckResult> out = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Check check = checks.get(i);
                long deadline = start + check.timeout().toNanos();
                try {
                    out.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    futures.get(i).cancel(true);
                    out.add(CheckResult.fail(check.name(), "no answer within " + Values.format(check.timeout()),
                            "the check's endpoint is slow or hanging (timeout " + Values.format(check.timeout()) + ")",
                            "look at the endpoint's load and logs, or raise this check's timeout in checks/verify.yaml")
                            .withElapsed(check.timeout()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.add(CheckResult.skipped(check.name(), "interrupted"));
                } catch (ExecutionException e) {
                    out.add(internal(check, e.getCause(), Duration.ofNanos(System.nanoTime() - start)));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static CheckResult runOne(Check check, CheckContext ctx) {
        long t0 = System.nanoTime();
        CheckResult result;
        try {
            result = check.run(ctx);
        } catch (CheckContext.Missing m) {
            result = CheckResult.skipped(check.name(), m.getMessage());
        } catch (EndpointException e) {
            result = EndpointFailures.toResult(check.name(), e, ctx.flagFor(e.endpoint()));
        } catch (Exception e) {
            result = internal(check, e, Duration.ZERO);
        }
        return result.withElapsed(Duration.ofNanos(System.nanoTime() - t0));
    }

    private static CheckResult internal(Check check, Throwable e, Duration took) {
        return CheckResult.fail(check.name(), "the check stopped with " + e, "a bug in migrate or an unexpected answer",
                "run again with MIGRATE_DEBUG=1 and report it").withElapsed(took);
    }
}
