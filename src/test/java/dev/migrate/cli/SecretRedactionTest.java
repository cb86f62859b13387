package dev.migrate.cli;

import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.FakeHttpServer;
import dev.migrate.testsupport.FakeHttpServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server that echoes the credential it was sent (a 401 body quoting the bearer token, as some
 * auth proxies do) cannot get it printed or stored: not on stdout or stderr, not in the report under
 * .migrate/reports/, not in the ledger, not at --junit. A double: no real Prometheus answers a 401
 * at all (it has no authentication), it is the proxy in front of it that does.
 */
class SecretRedactionTest {
    private static final String TOKEN = "s3cr3t-bearer-0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void aTokenEchoedInA401BodyIsRedactedEverywhereItWouldBeWritten() throws Exception {
        try (FakeHttpServer proxy = FakeHttpServer.start()) {
            for (String path : List.of("/api/v1/query", "/api/v1/query_range", "/api/v1/rules", "/api/v1/targets",
                    "/api/v1/series", "/api/v1/label/__name__/values", "/api/v1/status/buildinfo", "/api/v1/metadata")) {
                proxy.on(path, r -> Reply.json("{\"error\":\"invalid credentials: " + r.header("authorization") + "\"}").status(401));
            }
            Path token = tmp.resolve("token");
            Files.writeString(token, TOKEN + "\n");
            Path junit = tmp.resolve("verify.xml");
            Path state = tmp.resolve("state");
            CliRun run = CliRun.of("verify", "--config", Files.writeString(tmp.resolve("migrate.yaml"), "").toString(),
                    "--state-dir", state.toString(), "--prometheus-url", proxy.url(), "--prometheus-token-file", token.toString(),
                    "--junit", junit.toString());

            assertTrue(proxy.requests().stream().anyMatch(r -> ("Bearer " + TOKEN).equals(r.header("authorization"))),
                    "the token was sent, so the body really echoed it");
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue((run.out() + run.err()).contains("invalid credentials: Bearer [redacted]"), run.out() + run.err());
            assertFalse((run.out() + run.err()).contains(TOKEN), run.out() + run.err());
            assertFalse(Files.readString(junit).contains(TOKEN), "--junit");
            try (Stream<Path> files = Files.walk(state)) {
                List<Path> written = files.filter(Files::isRegularFile).toList();
                assertTrue(written.stream().anyMatch(p -> p.toString().contains("reports")), "a report was written: " + written);
                for (Path f : written) {
                    assertFalse(Files.readString(f).contains(TOKEN), f + " holds the token");
                }
            }
        }
    }
}
