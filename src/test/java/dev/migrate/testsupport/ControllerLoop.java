package dev.migrate.testsupport;

/**
 * The loop of a controller a test plays (LB IPAM, the collector pod's kubelet): one tick every
 * 300 ms on a daemon thread until closed. A tick that throws (the API server restarting) is
 * tried again at the next one.
 */
final class ControllerLoop implements AutoCloseable {
    private volatile boolean stopped;

    ControllerLoop(String name, Runnable tick) {
        Thread thread = new Thread(() -> {
            while (!stopped) {
                try {
                    tick.run();
                } catch (RuntimeException e) {
                    // API server restarting: next tick
                }
                ManagedProcess.sleep(300);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        stopped = true;
    }
}
