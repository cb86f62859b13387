package dev.migrate.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager on 127.0.0.1, random port, temp storage, gossip off
 * ({@code --cluster.listen-address=} empty, else it binds 0.0.0.0:9094). The release is the one
 * pinned in scripts/real-components (a current one, as kube-prometheus-stack 82.x runs), not
 * Debian's 0.25.
 */
public final class AlertmanagerProcess extends ManagedProcess {

    /** A config that routes everything to a receiver with no integrations: alerts are kept, sent nowhere. */
    public static final String NULL_ROUTE = "route:\n  receiver: 'null'\n  group_wait: 1s\nreceivers:\n  - name: 'null'\n";

    private AlertmanagerProcess(Path binary, Path dir, int port, List<String> args) {
        super(binary.toString(), "run scripts/real-components", dir, port, args);
    }

    public static String version() {
        return RealComponents.version("alertmanager");
    }

    public static AlertmanagerProcess start(String config) {
        Path binary = RealComponents.binary("alertmanager", "alertmanager");
        Path dir = tempDir("alertmanager-test");
        write(dir.resolve("alertmanager.yml"), config);
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            AlertmanagerProcess p = new AlertmanagerProcess(binary, dir, port, List.of(
                    "--config.file=" + dir.resolve("alertmanager.yml"),
                    "--storage.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address="));
            try {
                p.awaitReady(Duration.ofSeconds(20));
                return p;
            } catch (AssertionError e) {
                last = e;
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        throw last;
    }
}
