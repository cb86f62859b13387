package dev.migrate.corpus;

import dev.migrate.testsupport.CliRun;
import dev.migrate.testsupport.FaultServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input corpus ({@link HostileInputs}): every case runs the real CLI (in-process, or
 * in a fresh JVM for environment variables and ./migrate.yaml) and must give its exit code, one
 * line on stderr naming the input, no stack trace, no raw control character on the terminal, and
 * leave the case directory (settings file, state directory with its ledger, every other file)
 * byte-for-byte and mode-for-mode as it was. Faults a real server cannot produce on demand (an
 * API server or Docker answering HTML, 500, nothing, or an endless body) come from
 * {@link FaultServer} doubles, which must never have received a request that changes anything.
 */
class HostileInputCorpusTest {
    private static final Pattern STACK_FRAME = Pattern.compile("\\n\\s+at [\\w.$]+\\(|[a-z]+\\.[a-z.]+\\.[A-Z]\\w*(Exception|Error)\\b");
    private static final String LEDGER = "{\"step\":\"verify\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":"
            + "\"2026-01-01T00:01:00Z\",\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"seed\","
            + "\"reportPath\":\"\",\"details\":{}}\n";

    @TempDir
    static Path root;
    static final Map<String, FaultServer> servers = new LinkedHashMap<>();

    @BeforeAll
    static void startFaultServers() throws IOException {
        for (FaultServer.Fault f : FaultServer.Fault.values()) {
            String name = faultName(f);
            servers.put("http:" + name, FaultServer.tcp(f));
            servers.put("docker:" + name, FaultServer.unix(f, root.resolve("docker-" + name + ".sock")));
        }
    }

    @AfterAll
    static void stopFaultServers() throws IOException {
        for (FaultServer s : servers.values()) {
            s.close();
        }
    }

    static Stream<HostileCase> cases() {
        return HostileInputs.all().stream();
    }

    @Test
    void theCorpusCoversEverySubcommandWithAtLeast200DistinctCases() {
        List<HostileCase> all = HostileInputs.all();
        assertTrue(all.size() >= 200, "corpus has " + all.size() + " cases");
        assertEquals(all.size(), all.stream().map(c -> c.id).distinct().count(), "case ids are unique");
        Set<String> commands = new HashSet<>();
        all.forEach(c -> commands.add(c.command));
        for (String[] cmd : HostileInputs.COMMANDS) {
            assertTrue(commands.contains(cmd[0]), cmd[0]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputIsRefusedCleanly(HostileCase c) throws Exception {
        Path d = Files.createDirectories(root.resolve(c.id.replaceAll("[^A-Za-z0-9._-]", "_")));
        prepare(d, c);
        Map<String, String> before = snapshot(d);
        Map<String, Integer> requestsBefore = requestCounts();

        List<String> args = new ArrayList<>();
        args.add(c.command);
        if (!c.ownConfig) {
            args.addAll(List.of("--config", d.resolve("migrate.yaml").toString()));
        }
        if (!c.ownStateDir) {
            args.addAll(List.of("--state-dir", d.resolve("state").toString()));
        }
        for (String a : c.args) {
            args.add(expand(a, d));
        }
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> c.subprocess ? fresh(d, c, args) : CliRun.of(args.toArray(String[]::new)),
                c.id + " did not finish: a hang");
        String shown = c.id + "\nstdout: " + run.out() + "\nstderr: " + run.err();

        assertEquals(c.exitCode, run.exitCode(), shown);
        String line = run.errorLine(); // exactly one line
        assertTrue(line.startsWith(c.warning ? "migrate: warning: " : "migrate: error: "), shown);
        assertTrue(line.contains(expand(c.names, d)), "the message must name the input: '" + expand(c.names, d) + "'\n" + shown);
        assertFalse(STACK_FRAME.matcher(run.out() + "\n" + run.err()).find(), "no stack trace or exception class: " + shown);
        assertFalse((run.out() + run.err()).chars().anyMatch(ch -> ch == 0x1b || ch == 0x07 || ch == 0),
                "no raw control character reaches the terminal: " + shown);
        if (c.exitCode == HostileInputs.USAGE) {
            assertEquals("", run.out().strip(), "bad input prints nothing on stdout: " + shown);
        }
        Map<String, String> after = snapshot(d);
        if (c.recorded != null) {
            // The run reached the remote side: exactly one new ledger line, the rest as it was.
            String ledger = Files.readString(d.resolve("state/ledger.jsonl"));
            assertTrue(ledger.startsWith(LEDGER), shown);
            String added = ledger.substring(LEDGER.length());
            assertEquals(1, added.lines().count(), "one new record: " + added);
            assertTrue(added.contains("\"outcome\":\"" + c.recorded + "\""), added);
            before.remove("state/ledger.jsonl");
            after.remove("state/ledger.jsonl");
        }
        assertEquals(before, after, "the case directory (settings, state, files) must be unchanged: " + shown);
        assertNoChangingRequests(requestsBefore);
    }

    private static void prepare(Path d, HostileCase c) throws Exception {
        Files.writeString(d.resolve("migrate.yaml"), expand(c.settings, d));
        Path state = Files.createDirectories(d.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(state.resolve("ledger.jsonl"), LEDGER);
        Files.setPosixFilePermissions(state.resolve("ledger.jsonl"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(d.resolve("kube.yaml"), HostileInputs.kubeconfig("http://127.0.0.1:1"));
        for (FaultServer.Fault f : FaultServer.Fault.values()) {
            Files.writeString(d.resolve("kube-" + faultName(f) + ".yaml"), HostileInputs.kubeconfig(servers.get("http:" + faultName(f)).url()));
        }
        for (Map.Entry<String, byte[]> f : c.files.entrySet()) {
            Path p = d.resolve(f.getKey());
            if (Files.isDirectory(p)) {
                continue;
            }
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        for (HostileCase.Setup s : c.setups) {
            s.apply(d);
        }
    }

    private static String expand(String text, Path d) {
        String out = text.replace("{cfg}", d.resolve("migrate.yaml").toString())
                .replace("{state}", d.resolve("state").toString())
                .replace("{kube}", d.resolve("kube.yaml").toString());
        for (FaultServer.Fault f : FaultServer.Fault.values()) {
            String n = faultName(f);
            out = out.replace("{kube:" + n + "}", d.resolve("kube-" + n + ".yaml").toString())
                    .replace("{docker:" + n + "}", servers.get("docker:" + n).url())
                    .replace("{http:" + n + "}", servers.get("http:" + n).url());
        }
        return out.replace("{d}", d.toString());
    }

    /** A fresh JVM in the case directory with the case's variables: the real environment and working directory. */
    private static CliRun fresh(Path d, HostileCase c, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.migrate.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(d.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("MIGRATE_"));
        c.env.forEach((k, v) -> pb.environment().put(k, expand(v, d)));
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(c.id + ": the fresh JVM did not finish in 60 s");
        }
        CliRun r = new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** Every path under {@code d}: type, mode and (for files) SHA-256 of the content. */
    static Map<String, String> snapshot(Path d) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = d.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "link " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " " + sha256(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } else {
                    out.put(rel, "other");
                }
            }
        }
        return out;
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> requestCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        servers.forEach((k, s) -> out.put(k, s.requestLines().size()));
        return out;
    }

    /** The doubles stand for a cluster and an engine: nothing may have been sent that would change them. */
    private static void assertNoChangingRequests(Map<String, Integer> before) {
        servers.forEach((k, s) -> {
            List<String> lines = s.requestLines();
            for (String line : lines.subList(Math.min(before.get(k), lines.size()), lines.size())) {
                boolean reading = line.startsWith("GET ") || line.startsWith("HEAD ")
                        || line.startsWith("POST") && line.contains("selfsubjectaccessreviews");
                assertTrue(reading, k + " received a request that changes state: " + line);
            }
        });
    }

    private static String faultName(FaultServer.Fault f) {
        return switch (f) {
            case HTML -> "html";
            case SERVER_ERROR -> "500";
            case NEVER -> "never";
            case HUGE -> "huge";
            case TRICKLE -> "trickle";
        };
    }
}
