package dev.migrate.deploy;

import dev.migrate.UserError;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deploy flags parse into DeployOptions; bad values are one-line errors before anything runs. */
class DeployFlagsTest {
    @Command(name = "deploy")
    static final class Host {
        @Mixin
        DeployFlags flags;
    }

    static DeployOptions parse(String... args) {
        Host host = new Host();
        new CommandLine(host).parseArgs(args);
        return host.flags.toOptions();
    }

    @Test
    void defaultsAndEveryFlag() {
        DeployOptions d = parse();
        assertEquals(Duration.ofMinutes(5), d.timeout());
        assertTrue(!d.forceConflicts() && !d.diffOnly() && d.skipChecks().isEmpty() && d.lokiUrl().isEmpty());

        DeployOptions all = parse("--force-conflicts", "--diff", "--timeout", "90s", "--skip-check", "rbac",
                "--skip-check", "loki-otlp", "--loki-url", "http://127.0.0.1:3100");
        assertTrue(all.forceConflicts() && all.diffOnly());
        assertEquals(Duration.ofSeconds(90), all.timeout());
        assertEquals(Set.of("rbac", "loki-otlp"), all.skipChecks());
        assertEquals("http://127.0.0.1:3100", all.lokiUrl().orElseThrow().toString());
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertEquals("--timeout 'soon' is not a duration (expected a whole number and a unit ms, s, m, h or d, e.g. 90s, 15m, 24h, 2d)",
                assertThrows(UserError.class, () -> parse("--timeout", "soon")).getMessage());
        assertThrows(UserError.class, () -> parse("--timeout", "0s"));
        assertTrue(assertThrows(UserError.class, () -> parse("--loki-url", "loki:3100")).getMessage()
                .startsWith("--loki-url 'loki:3100' is not an http(s) URL"));
        assertTrue(assertThrows(UserError.class, () -> parse("--loki-url", "http://admin:pw@127.0.0.1:3100")).getMessage()
                .contains("must not carry credentials"));
    }
}
