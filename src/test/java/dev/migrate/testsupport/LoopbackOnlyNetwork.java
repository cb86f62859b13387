package dev.migrate.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Permission;

/**
 * Installed for the whole test JVM by surefire (-Djava.security.manager=this class): refuses every
 * connection to an address that is not loopback, so no test can ever send a packet to the default
 * VIP (10.10.30.22) or any other private or public address, even through a default it forgot to
 * override. Each refused attempt is also appended to target/non-loopback-attempts.log, which
 * scripts/test checks, so an attempt fails the build even where the code under test swallowed the
 * exception. Everything else is allowed: it guards the network rule, not security.
 */
public final class LoopbackOnlyNetwork extends SecurityManager {
    static final Path LOG = Path.of("target", "non-loopback-attempts.log");

    @Override
    public void checkPermission(Permission perm) {
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
    }

    @Override
    public void checkConnect(String host, int port) {
        if (port >= 0 && !loopback(host)) {
            refuse(host, port);
        }
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        checkConnect(host, port);
    }

    static boolean loopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name here would already have been resolved by the JDK; be strict
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void refuse(String host, int port) {
        String line = "refused connection to " + host + ":" + port + " from " + caller() + "\n";
        try {
            Files.createDirectories(LOG.getParent());
            Files.writeString(LOG, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the exception below still stops the connection
        }
        throw new SecurityException("tests may only connect to loopback; refused " + host + ":" + port);
    }

    private static String caller() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().startsWith("dev.migrate.") && !e.getClassName().equals(LoopbackOnlyNetwork.class.getName())) {
                return e.toString();
            }
        }
        return "unknown";
    }
}
