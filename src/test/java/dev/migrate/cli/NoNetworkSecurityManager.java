package dev.migrate.cli;

import java.net.NetPermission;
import java.net.SocketPermission;
import java.security.Permission;

/**
 * Installed with -Djava.security.manager=dev.migrate.cli.NoNetworkSecurityManager in a child JVM
 * (Java 17-23). The JDK asks for a SocketPermission before every DNS lookup, connect, listen and
 * accept, whatever the client library (java.net.Socket, NIO channels, OkHttp, the JDK HttpClient),
 * so refusing them here catches any network use, even one the code under test would swallow.
 * Each attempt is reported on stderr with a marker the test looks for; everything else is allowed.
 */
public final class NoNetworkSecurityManager extends SecurityManager {
    public static final String MARKER = "NETWORK-ATTEMPT: ";

    @Override
    public void checkPermission(Permission perm) {
        // Unix domain sockets (the Docker Engine's /var/run/docker.sock) are asked for as NetPermission.
        if (perm instanceof SocketPermission || (perm instanceof NetPermission && perm.getName().equals("accessUnixDomainSocket"))) {
            System.err.println(MARKER + perm.getName() + " " + perm.getActions());
            throw new SecurityException("network access refused in a dry-run test: " + perm);
        }
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        checkPermission(perm);
    }
}
