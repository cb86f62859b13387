package dev.migrate.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * A real cluster connection with something done at an exact call: a fault a real server cannot be
 * made to hit at that moment on demand (SIGINT inside one particular request, the server gone right
 * after one). Every call still goes to the real server.
 */
public final class AtCall {
    private AtCall() {
    }

    /** For {@code method}: any call that reaches the server (all but the connection's own names and close). */
    public static final String ANY_REQUEST = "*";
    private static final Set<String> LOCAL = Set.of("serverUrl", "context", "onUnavailable", "close");

    /**
     * What SignalGuard does on SIGINT: interrupt the thread that is working (here, the one making
     * the call). Its caller clears the flag afterwards ({@code Thread.interrupted()}) when that
     * thread goes on, as a test's does.
     */
    public static final Runnable INTERRUPT = () -> Thread.currentThread().interrupt();

    /** {@code action} as the {@code n}th call of {@code method} begins: that real call is the one it hits. */
    public static Cluster before(Cluster real, String method, int n, Runnable action) {
        return at(real, method, n, action, true);
    }

    /** {@code action} right after the {@code n}th call of {@code method} returned (for "apply": between two objects). */
    public static Cluster after(Cluster real, String method, int n, Runnable action) {
        return at(real, method, n, action, false);
    }

    private static Cluster at(Cluster real, String name, int n, Runnable action, boolean before) {
        int[] calls = {0};
        return (Cluster) Proxy.newProxyInstance(Cluster.class.getClassLoader(), new Class<?>[]{Cluster.class},
                (proxy, method, args) -> {
                    boolean counted = name.equals(ANY_REQUEST) ? !LOCAL.contains(method.getName()) : method.getName().equals(name);
                    boolean nth = counted && ++calls[0] == n;
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
