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
        } catch (dev.migrate.cluster.ClusterException e) {
            // The API server's own answer (403, 401, unreachable ...): its message already names the server, the
            // context and the fix; it is not a bug in migrate.
            result = CheckResult.fail(check.name(), e.getMessage(), "the API server refused or failed the request ("
                    + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ")", clusterFix(e.kind()));
        } catch (Exception e) {
            result = internal(check, e, Duration.ZERO);
        }
        return result.withElapsed(Duration.ofNanos(System.nanoTime() - t0));
    }

    private static String clusterFix(dev.migrate.cluster.ClusterException.Kind kind) {
        return switch (kind) {
            case FORBIDDEN -> "grant this identity get/list on pods, deployments and services in the namespace,"
                    + " or --skip cluster";
            case UNAUTHORIZED -> "renew the kubeconfig's credentials for this context";
            case UNREACHABLE -> "check the cluster is up and that --context names the homelab";
            default -> "see the message; run again once the API server answers normally";
        };
    }

    /**
     * A check that threw: the report says what happened in words, never a Java class name (the
     * operator cannot act on one); MIGRATE_DEBUG=1 prints the stack trace for the bug report.
     */
    private static CheckResult internal(Check check, Throwable e, Duration took) {
        if ("1".equals(System.getenv("MIGRATE_DEBUG"))) {
            e.printStackTrace();
        }
        String detail = e instanceof NullPointerException ? "an answer lacked a value the check needs"
                : e.getMessage() == null || e.getMessage().isBlank() ? "no detail given"
                : dev.migrate.io.Printable.oneLine(e.getMessage().lines().findFirst().orElse(""));
        return CheckResult.fail(check.name(), "the check stopped unexpectedly: " + detail, "a bug in migrate or an unexpected answer",
                "run again with MIGRATE_DEBUG=1 and report it").withElapsed(took);
    }
}
