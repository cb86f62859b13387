package dev.migrate.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Alertmanager (Debian package prometheus-alertmanager 0.25) on 127.0.0.1, random port,
 * temp storage, gossip off ({@code --cluster.listen-address=} empty, else it binds 0.0.0.0:9094).
 */
public final class AlertmanagerProcess extends ManagedProcess {
    public static final String BINARY = "/usr/bin/prometheus-alertmanager";

    /** A config that routes everything to a receiver with no integrations: alerts are kept, sent nowhere. */
    public static final String NULL_ROUTE = "route:\n  receiver: 'null'\n  group_wait: 1s\nreceivers:\n  - name: 'null'\n";

    private AlertmanagerProcess(Path dir, int port, List<String> args) {
        super(BINARY, "apt-get install -y prometheus-alertmanager", dir, port, args);
    }

    public static AlertmanagerProcess start(String config) {
        Path dir = tempDir("alertmanager-test");
        write(dir.resolve("alertmanager.yml"), config);
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            AlertmanagerProcess p = new AlertmanagerProcess(dir, port, List.of(
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
