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
 *
 * <p>When the run is inside scripts/private-net's namespace (MIGRATE_PRIVATE_NET lists its local
 * ranges, e.g. 10.10.30.0/24), addresses in those ranges are local to that namespace too (a server
 * on 0.0.0.0 answers on them and there is no route anywhere else), so they are allowed as well.
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

    /** The ranges scripts/private-net made local, e.g. "10.10.30.0/24,10.244.0.0/16"; none outside it. */
    private static final String PRIVATE_RANGES = System.getenv().getOrDefault("MIGRATE_PRIVATE_NET", "");

    static boolean loopback(String host) {
        return loopbackOrIn(host, PRIVATE_RANGES);
    }

    static boolean loopbackOrIn(String host, String privateRanges) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equals("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name here would already have been resolved by the JDK; be strict
        }
        try {
            InetAddress address = InetAddress.getByName(h); // a literal: no lookup happens
            return address.isLoopbackAddress() || inRanges(address, privateRanges);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean inRanges(InetAddress address, String ranges) throws UnknownHostException {
        byte[] a = address.getAddress();
        for (String range : ranges.split(",")) {
            int slash = range.indexOf('/');
            if (slash < 0) {
                continue;
            }
            byte[] net = InetAddress.getByName(range.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(range.substring(slash + 1));
            if (net.length == a.length && samePrefix(a, net, bits)) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
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
