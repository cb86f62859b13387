package dev.migrate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Claude Code client (pinned in scripts/real-components, see {@link RealComponents#claudeCode()})
 * as a user runs it: one person on one machine, with their own HOME (the client keeps its per-install
 * {@code userID} there, which becomes {@code user.id}), the environment {@code migrate client-env} prints
 * for that machine, and {@code ANTHROPIC_BASE_URL} at an {@link AnthropicApiDouble}. Each {@link #run}
 * is one {@code claude} process in a working directory of this user's, bounded by a timeout after which
 * it and every process it started are killed by PID.
 * <p>
 * The environment is built from nothing (nothing of the JVM's leaks in). {@link #offline} is the user's
 * environment as client-env printed it, plus only what running offline needs. What {@link #user} changes
 * from the user's: the collector endpoint and protocol (the test's loopback collector), short export
 * intervals (1 s metrics, 0.5 s events, so a test waits seconds, not the minute users see at worst),
 * {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} and {@code DISABLE_AUTOUPDATER=1} (nothing to reach),
 * {@code CLAUDE_CODE_MAX_RETRIES=1} (the default ten retries back off for minutes) and {@code IS_SANDBOX=1}
 * (the tests run as root, where --dangerously-skip-permissions needs it).
 * <p>
 * The client opens connections of its own: it runs only inside the private network namespace the suite
 * runs in (scripts/private-net: only loopback up), and refuses to start anywhere else.
 */
public final class RealClaudeCode {
    /** What one {@code claude} process did. */
    public record Run(List<String> args, int exitCode, String out, String err, java.time.Instant started, Duration took,
                      boolean timedOut) {
        public Run assertExit(int expected) {
            if (timedOut || exitCode != expected) {
                throw new AssertionError("claude " + args + (timedOut ? " timed out after " + took : " exited " + exitCode)
                        + ", expected " + expected + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }

        public Run ok() {
            return assertExit(0);
        }
    }

    public static final String API_KEY = "sk-ant-api03-test-double-not-a-key";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern EXPORT = Pattern.compile("^export ([A-Z_]+)='([^']*)'$", Pattern.MULTILINE);

    private final Path home;
    private final Path work;
    private final Map<String, String> env = new LinkedHashMap<>();
    /** What the client is started through (e.g. a private mount namespace), or nothing. */
    private final List<String> launcher = new ArrayList<>();

    private RealClaudeCode(Path home, Map<String, String> env) {
        this.home = home;
        this.work = home.resolve("work");
        this.env.putAll(env);
        try {
            Files.createDirectories(work);
            // the identity git commits carry (a Bash tool `git commit` needs one)
            Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Test User\n\temail = test@example.invalid\n"
                    + "[init]\n\tdefaultBranch = main\n", StandardCharsets.UTF_8);
            Path bin = Files.createDirectories(home.resolve("bin"));
            // `gh pr create` as the client counts it: a PR URL on stdout (GitHub's CLI cannot run here)
            Path gh = bin.resolve("gh");
            Files.writeString(gh, "#!/bin/sh\necho https://github.com/example/repo/pull/1\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(gh, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A user with an API key on {@code machine}, sending to {@code otlpEndpoint} over {@code protocol}
     * (grpc or http/protobuf), with what {@code migrate client-env --machine-name machine} prints; a
     * null machine leaves OTEL_RESOURCE_ATTRIBUTES out, as a client set up without client-env.
     */
    public static RealClaudeCode user(AnthropicApiDouble api, String otlpEndpoint, String protocol, String machine) {
        requirePrivateNetwork();
        Map<String, String> env = new LinkedHashMap<>(clientEnv(machine == null ? "unset" : machine));
        if (machine == null) {
            env.remove("OTEL_RESOURCE_ATTRIBUTES");
        }
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        env.put("OTEL_LOGS_EXPORT_INTERVAL", "500");
        RealClaudeCode user = offline(api, env);
        user.env.put("CLAUDE_CODE_MAX_RETRIES", "1");
        user.env.put("IS_SANDBOX", "1");
        return user;
    }

    /**
     * A user whose shell holds exactly {@code clientEnv} (what {@code migrate client-env} printed, pasted
     * as is: its endpoint, protocol and export intervals) plus only what running offline needs: a shell's
     * basics (HOME, PATH, TERM, LANG, SHELL), the API key and ANTHROPIC_BASE_URL at the stand-in, and no
     * traffic of the client's own (updates, its maker's metrics).
     */
    public static RealClaudeCode offline(AnthropicApiDouble api, Map<String, String> clientEnv) {
        requirePrivateNetwork();
        Map<String, String> env = new LinkedHashMap<>(clientEnv);
        Path home = ManagedProcess.tempDir("claude-home");
        env.put("HOME", home.toString());
        env.put("PATH", home.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("TERM", "xterm");
        env.put("LANG", "C.UTF-8");
        env.put("SHELL", "/bin/bash");
        env.put("ANTHROPIC_BASE_URL", api.url());
        env.put("ANTHROPIC_API_KEY", API_KEY);
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        return new RealClaudeCode(home, env);
    }

    /** The variables {@code migrate client-env --machine-name machine} prints (bash syntax). */
    public static Map<String, String> clientEnv(String machine) {
        CliRun run = CliRun.of("client-env", "--machine-name", machine);
        if (run.exitCode() != 0) {
            throw new AssertionError("migrate client-env failed: " + run.err());
        }
        return exports(run.out());
    }

    /** The variables of client-env's bash output ({@code export NAME='value'} lines), as a shell would set them. */
    public static Map<String, String> exports(String bashText) {
        Map<String, String> vars = new LinkedHashMap<>();
        Matcher m = EXPORT.matcher(bashText);
        while (m.find()) {
            vars.put(m.group(1), m.group(2));
        }
        if (!vars.containsKey("CLAUDE_CODE_ENABLE_TELEMETRY")) {
            throw new AssertionError("migrate client-env printed no CLAUDE_CODE_ENABLE_TELEMETRY: " + bashText);
        }
        return vars;
    }

    /** The user.id this user's client sends: its per-install userID in ~/.claude.json (written by the first run). */
    public String userId() {
        try {
            return dev.migrate.Json.MAPPER.readTree(Files.readString(home.resolve(".claude.json"))).path("userID").asText();
        } catch (IOException e) {
            throw new AssertionError("no ~/.claude.json under " + home + " (has the client run?)", e);
        }
    }

    /**
     * A claude.ai login as the client stores it (an {@code oauthAccount} in {@code ~/.claude.json}) and an
     * OAuth token instead of the API key: the client then sends {@code user.email} and the account ids.
     * Imitated: a real login cannot happen offline.
     */
    public RealClaudeCode claudeAiLogin(String email) {
        env.remove("ANTHROPIC_API_KEY");
        env.put("CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-test-double-not-a-token");
        writeHome(".claude.json", "{\"oauthAccount\":{\"accountUuid\":\"0b7f2f3e-1111-4a4a-8b8b-000000000001\","
                + "\"emailAddress\":\"" + email + "\",\"organizationUuid\":\"0b7f2f3e-2222-4a4a-8b8b-000000000002\","
                + "\"organizationName\":\"Test Org\",\"organizationRole\":\"admin\",\"displayName\":\"Test\"}}");
        return this;
    }

    public RealClaudeCode env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /**
     * Starts the client through {@code prefix} (a command that ends by exec-ing its arguments), e.g. a
     * private mount namespace that shows the client a file where the machine has none.
     */
    public RealClaudeCode launcher(List<String> prefix) {
        launcher.clear();
        launcher.addAll(prefix);
        return this;
    }

    public RealClaudeCode without(String name) {
        env.remove(name);
        return this;
    }

    /** Writes a file under this user's HOME (settings, skills, agents, work/...) and returns its path. */
    public Path writeHome(String relative, String text) {
        Path f = home.resolve(relative);
        write(f, text);
        return f;
    }

    private static void write(Path f, String text) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path home() {
        return home;
    }

    /** The folder sessions run in (a project folder of this user's). */
    public Path work() {
        return work;
    }

    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    /** {@code claude -p PROMPT ARGS...} in {@link #work()}. */
    public Run prompt(String prompt, String... args) {
        List<String> a = new ArrayList<>(List.of("-p", prompt));
        a.addAll(List.of(args));
        return run(TIMEOUT, a);
    }

    public Run run(Duration timeout, List<String> args) {
        return run(timeout, args, null);
    }

    /** @param stdin what the client reads on standard input (stream-json messages), or null for none */
    public Run run(Duration timeout, List<String> args, String stdin) {
        requirePrivateNetwork();
        List<String> command = new ArrayList<>(launcher);
        command.add(RealComponents.claudeCode().toString());
        command.addAll(args);
        Path out = home.resolve("last.out");
        Path err = home.resolve("last.err");
        Path in = home.resolve("last.in");
        write(in, stdin == null ? "" : stdin);
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        long start = System.nanoTime();
        java.time.Instant started = java.time.Instant.now();
        try {
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                kill(p);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Run(List.copyOf(args), done ? p.exitValue() : -1, read(out), read(err), started, took, !done);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The client and everything it started (MCP servers, hooks, Bash commands), by PID. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * The client reaches out on its own (updates, metrics of its maker): it may only run where nothing
     * but loopback and the suite's local ranges exist.
     */
    public static void requirePrivateNetwork() {
        requirePrivateNetwork(System.getenv());
    }

    static void requirePrivateNetwork(Map<String, String> environment) {
        String net = environment.get("MIGRATE_PRIVATE_NET");
        if (net == null || net.isBlank()) {
            throw new AssertionError("refusing to start the real Claude Code client outside a private network namespace"
                    + " (MIGRATE_PRIVATE_NET is not set): run the tests through scripts/private-net or scripts/test,"
                    + " e.g. scripts/private-net mvn -o test -Dtest=...");
        }
    }

    /** Removes this user's HOME and work folder. */
    public void delete() {
        try (var walk = Files.walk(home)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
