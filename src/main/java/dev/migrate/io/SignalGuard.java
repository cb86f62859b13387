package dev.migrate.io;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT/SIGTERM during a step that changes something remote: the JVM's shutdown hook interrupts
 * the working thread and waits (at most {@link #GRACE_SECONDS}) until the step has said what it did
 * and recorded it, instead of the process vanishing with rc 130 and no word. The step notices the
 * interrupt at its next wait or between two actions ({@code Thread.currentThread().isInterrupted()},
 * or {@link #stopRequested()} where the interrupt flag may be cleared along the way).
 */
public final class SignalGuard implements AutoCloseable {
    public static final int GRACE_SECONDS = 20;

    /** Guards whose hook is running: released only once Main has printed the step's last word. */
    private static final java.util.List<SignalGuard> FIRED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean fired;

    private SignalGuard(Thread worker, String name) {
        hook = new Thread(() -> {
            fired = true;
            worker.interrupt();
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-stop");
    }

    /** Guards the calling thread until {@link #close()}. */
    public static SignalGuard install(String name) {
        SignalGuard g = new SignalGuard(Thread.currentThread(), name);
        Runtime.getRuntime().addShutdownHook(g.hook);
        return g;
    }

    /** Whether SIGINT/SIGTERM arrived: for a step that checks between its own waits (soak's cycles). */
    public boolean stopRequested() {
        return fired;
    }

    /**
     * Called by Main after the error (or result) is printed: the JVM may then exit. Until then a
     * fired hook keeps the JVM alive, so "interrupted after ..." is never lost to the shutdown.
     */
    public static void releaseAll() {
        for (SignalGuard g : FIRED) {
            g.finished.countDown();
        }
        FIRED.clear();
    }

    @Override
    public void close() {
        if (fired) {
            FIRED.add(this); // the step's message is not printed yet: Main releases it
            return;
        }
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it only waits for `finished`, which is now counted down
        }
    }
}
