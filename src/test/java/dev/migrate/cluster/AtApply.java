package dev.migrate.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A real cluster connection with something done at an exact apply: a fault a real server cannot be
 * made to hit at that moment on demand (SIGINT inside one particular request, the server gone right
 * after one). Every call still goes to the real server.
 */
public final class AtApply {
    private AtApply() {
    }

    /**
     * What SignalGuard does on SIGINT: interrupt the thread that is working (here, the one making
     * the apply call). Its caller clears the flag afterwards ({@code Thread.interrupted()}) when that
     * thread goes on, as a test's does.
     */
    public static final Runnable INTERRUPT = () -> Thread.currentThread().interrupt();

    /** {@code action} as the {@code n}th apply begins: that real call is the one it hits. */
    public static Cluster before(Cluster real, int n, Runnable action) {
        return at(real, n, action, true);
    }

    /** {@code action} right after the {@code n}th apply returned: between two objects. */
    public static Cluster after(Cluster real, int n, Runnable action) {
        return at(real, n, action, false);
    }

    private static Cluster at(Cluster real, int n, Runnable action, boolean before) {
        int[] applies = {0};
        return (Cluster) Proxy.newProxyInstance(Cluster.class.getClassLoader(), new Class<?>[]{Cluster.class},
                (proxy, method, args) -> {
                    boolean nth = method.getName().equals("apply") && ++applies[0] == n;
                    if (nth && before) {
                        action.run();
                    }
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (nth && !before) {
                        action.run();
                    }
                    return result;
                });
    }
}
