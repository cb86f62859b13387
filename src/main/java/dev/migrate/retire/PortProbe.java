package dev.migrate.retire;

import dev.migrate.checks.CheckResult;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the old stack's host ports are free. It binds a plain socket (no listen, no traffic)
 * on 0.0.0.0 and 127.0.0.1: the kernel refuses the bind while anything listens on that port.
 */
public final class PortProbe {
    public static final List<Integer> DEFAULT_PORTS = List.of(4317, 4318, 8889, 9090, 3030);
    private static final List<String> ADDRESSES = List.of("0.0.0.0", "127.0.0.1");

    private PortProbe() {
    }

    public static List<CheckResult> check(List<Integer> ports) {
        List<CheckResult> out = new ArrayList<>();
        for (int port : ports) {
            String busy = null;
            for (String address : ADDRESSES) {
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress(address, port));
                } catch (IOException e) {
                    busy = address + ":" + port + " (" + e.getMessage() + ")";
                    break;
                }
            }
            String name = "port-free:" + port;
            out.add(busy == null ? CheckResult.pass(name, "port " + port + " is free")
                    : CheckResult.fail(name, "port " + port + " is still in use on " + busy,
                    "another process (or a container outside the project) still listens on it",
                    "find it with: ss -ltnp 'sport = :" + port + "' (or docker ps --filter publish=" + port + ")"));
        }
        return out;
    }
}
