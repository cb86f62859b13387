package dev.migrate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * `migrate deploy --dry-run` in a fresh JVM, proven to make no network connection, two ways:
 * <ol>
 *   <li>with a security manager that refuses and reports every SocketPermission (DNS lookup,
 *   connect, listen, accept), so even a connection attempt whose failure the code swallowed is
 *   seen; the run must succeed and report nothing;</li>
 *   <li>inside an empty network namespace ({@code unshare -n}: no interface, not even loopback up),
 *   where any real connection would fail; the run must still print the full plan and exit 0.</li>
 * </ol>
 * A proxy-listener trick (socksProxyHost pointed at a socket we own) was not used: NIO channels
 * and the JDK HttpClient ignore the SOCKS properties, so it could miss connections.
 */
class DeployDryRunNoNetworkTest {
    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {
    }

    private Result runFresh(List<String> prefix, List<String> jvmArgs) throws Exception {
        Path config = Files.writeString(dir.resolve("migrate.yaml"), "");
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.migrate.Main",
                "deploy", "--dry-run", "--config", config.toString(), "--state-dir", dir.resolve("state").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MIGRATE_"));
        pb.redirectOutput(dir.resolve("out.txt").toFile());
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("deploy --dry-run did not finish in 120s");
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private static void assertFullPlan(Result r) {
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("6. ConfigMap       monitoring/claude-code-dashboard"), r.out());
        assertTrue(r.out().contains("Result: passed (25 of 25 rules passed, 0 failed)"), r.out());
    }

    @Test
    void noSocketPermissionIsEverRequested() throws Exception {
        if (Runtime.version().feature() >= 24) {
            fail("this test needs a Java 17-23 runtime (the security manager is gone in 24); run Maven with Java 17");
        }
        Result r = runFresh(List.of(), List.of("-Djava.security.manager=" + NoNetworkSecurityManager.class.getName()));
        assertFalse(r.err().contains(NoNetworkSecurityManager.MARKER), "network used: " + r.err());
        assertFullPlan(r);
        assertFalse(Files.exists(dir.resolve("state")), "a dry-run writes no state");
    }

    @Test
    void succeedsInAnEmptyNetworkNamespace() throws Exception {
        Path unshare = null;
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "unshare"))) {
                unshare = Path.of(d, "unshare");
                break;
            }
        }
        if (unshare == null) {
            fail("unshare not found: install util-linux (apt-get install -y util-linux)");
        }
        // As root, -n alone; otherwise map the user to root in a new user namespace first.
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> prefix = root ? List.of(unshare.toString(), "-n") : List.of(unshare.toString(), "-r", "-n");
        Process probe = new ProcessBuilder(new ArrayList<>(List.of(prefix.get(0)))).command(concat(prefix, "true")).start();
        if (!probe.waitFor(10, TimeUnit.SECONDS) || probe.exitValue() != 0) {
            fail("cannot create a network namespace with " + String.join(" ", prefix)
                    + ": run the tests as root or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)");
        }
        assertFullPlan(runFresh(prefix, List.of()));
    }

    private static List<String> concat(List<String> prefix, String last) {
        List<String> all = new ArrayList<>(prefix);
        all.add(last);
        return all;
    }
}
