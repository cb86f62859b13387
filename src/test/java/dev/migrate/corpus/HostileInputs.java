package dev.migrate.corpus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hostile-input corpus as data: every case a command line, what the case directory holds,
 * the exit code and the text the one-line message must contain (the input it names). Grouped by
 * kind of hostility; the settings-file group runs against every subcommand, because each must
 * refuse bad settings before it reads anything else. A new subcommand joins by adding a line to
 * {@link #COMMANDS} (and its own flags below).
 */
final class HostileInputs {
    static final int USAGE = 2;
    static final int FAILED = 1;
    static final int OK = 0;

    /** Each subcommand as the settings-file group calls it: with arguments that are valid on their own. */
    static final List<String[]> COMMANDS = List.of(
            new String[] {"deploy", "--dry-run"},
            new String[] {"verify"},
            new String[] {"soak"},
            new String[] {"retire"},
            new String[] {"status"},
            new String[] {"config"},
            new String[] {"client-env", "--machine-name", "laptop"},
            new String[] {"record"},
            new String[] {"backport"});

    private HostileInputs() {
    }

    static List<HostileCase> all() {
        List<HostileCase> out = new ArrayList<>();
        settingsFiles(out);
        settingValues(out);
        deploy(out);
        verify(out);
        soak(out);
        retire(out);
        statusConfigClientEnv(out);
        recordAndBackport(out);
        environmentAndWorkingDirectory(out);
        hardeningWorldLockPaths(out);
        generatedFilesKeepWhatAPersonWrote(out);
        secretsStateFilesAndSettingsRoundTwo(out);
        return out;
    }

    private static HostileCase c(List<HostileCase> out, String id, String command, int rc, String names, String... args) {
        HostileCase c = new HostileCase(id, command, rc, names, args);
        out.add(c);
        return c;
    }

    /** A settings file that is hostile in itself, against every subcommand. */
    private static void settingsFiles(List<HostileCase> out) {
        for (String[] cmd : COMMANDS) {
            String name = cmd[0];
            String[] rest = java.util.Arrays.copyOfRange(cmd, 1, cmd.length);
            c(out, name + "/yaml-anchor-and-alias", name, USAGE, "migrate.yaml:2: a YAML alias ('*ns') is not allowed", rest)
                    .yaml("namespace: &ns monitoring\ncontext: *ns\n");
            c(out, name + "/yaml-alias-in-list", name, USAGE, "migrate.yaml:2: a YAML anchor", rest)
                    .yaml("vip: 10.10.30.22\nreserved-ips: &r [10.10.30.10]\ntrusted-cidrs: *r\n");
            c(out, name + "/yaml-duplicate-key", name, USAGE, "migrate.yaml:2: key 'vip' is given twice", rest)
                    .yaml("vip: 10.10.30.22\nvip: 10.10.30.23\n");
            c(out, name + "/yaml-second-document", name, USAGE, "migrate.yaml:3: a second YAML document", rest)
                    .yaml("vip: 10.10.30.22\n---\nvip: 10.10.30.23\n");
            c(out, name + "/yaml-not-utf8", name, USAGE, "is not UTF-8 text: byte 15 (0xff)", rest)
                    .setup(d -> Files.write(d.resolve("migrate.yaml"), bytes("namespace: moni", 0xff, "toring\n")));
            c(out, name + "/yaml-too-large", name, USAGE, "over the 1MiB limit", rest)
                    .yaml("# " + "x".repeat((1 << 20) + 10) + "\n");
            c(out, name + "/yaml-unknown-key", name, USAGE, "migrate.yaml:1: unknown key 'namspace' (did you mean 'namespace'?)", rest)
                    .yaml("namspace: monitoring\n");
            c(out, name + "/yaml-syntax", name, USAGE, "migrate.yaml:1:", rest).yaml("vip: [10.10.30.22\n");
            c(out, name + "/yaml-not-a-mapping", name, USAGE, "expected a mapping", rest).yaml("just some text\n");
            c(out, name + "/yaml-nul-in-value", name, USAGE, "state-dir", rest).yaml("state-dir: \"st\\0ate\"\n");
            c(out, name + "/yaml-mapping-value", name, USAGE, "vip must be a value or a list", rest).yaml("vip: {a: 1}\n");
            c(out, name + "/config-is-a-directory", name, USAGE, "conf.d is a directory, not a file",
                    concat(rest, "--config", "{d}/conf.d")).ownConfig().setup(d -> Files.createDirectory(d.resolve("conf.d")));
            c(out, name + "/config-is-a-fifo", name, USAGE, "settings.fifo is a FIFO (named pipe), not a regular file",
                    concat(rest, "--config", "{d}/settings.fifo")).ownConfig().setup(d -> mkfifo(d.resolve("settings.fifo")));
            c(out, name + "/config-is-dev-null", name, USAGE, "/dev/null is /dev/null (always empty), not a regular file",
                    concat(rest, "--config", "/dev/null")).ownConfig();
            c(out, name + "/config-missing", name, USAGE, "missing.yaml does not exist",
                    concat(rest, "--config", "{d}/missing.yaml")).ownConfig();
            c(out, name + "/config-path-with-nul", name, USAGE, "holds a control character",
                    concat(rest, "--config", "{d}/migrate\0.yaml")).ownConfig();
        }
    }

    /** Values that parse as YAML but are not acceptable, named with file:line. */
    private static void settingValues(List<HostileCase> out) {
        String[][] values = {
                // key: value, the text the message must contain
                {"soak-duration: 99999999999999999999h", "migrate.yaml:1: soak-duration '99999999999999999999h' is too long"},
                {"soak-duration: 9223372036854775807d", "soak-duration '9223372036854775807d' is too long; at most 366d"},
                {"soak-interval: 0s", "soak-interval '0s' is zero; a duration must be positive"},
                {"soak-max-gap: 400d", "soak-max-gap '400d' is too long"},
                {"soak-duration: 24 hours", "soak-duration '24 hours' is not a duration"},
                {"soak-duration: -5m", "soak-duration '-5m' is not a duration"},
                {"daily-spend-alert-usd: Infinity", "daily-spend-alert-usd 'Infinity' is not a positive number"},
                {"daily-spend-alert-usd: .inf", "migrate.yaml:1:28: not valid YAML"},
                {"daily-spend-alert-usd: NaN", "daily-spend-alert-usd 'NaN'"},
                {"daily-spend-alert-usd: 1e309", "daily-spend-alert-usd '1e309'"},
                {"daily-spend-alert-usd: -10", "daily-spend-alert-usd '-10'"},
                {"daily-spend-alert-usd: 99999999999999", "daily-spend-alert-usd '99999999999999' is too large"},
                {"connect-timeout: 0s", "connect-timeout '0s' is zero"},
                {"read-timeout: 100000000000000000000s", "read-timeout '100000000000000000000s' is too long"},
                {"max-response-size: 0MiB", "max-response-size '0MiB' is not a size"},
                {"max-response-size: 5TiB", "max-response-size '5TiB' is not a size"},
                {"max-response-size: 99999GiB", "max-response-size '99999GiB' is not a size"},
                {"vip: 10.10.30.256", "vip '10.10.30.256' is not an IPv4 address"},
                {"trusted-cidrs: 10.0.0.0/33", "'10.0.0.0/33' is not an IPv4 CIDR"},
                {"collector-memory-limit: 600MB", "collector-memory-limit '600MB' is not a memory limit as Kubernetes writes it"},
                {"collector-memory-limit: 128Mi", "collector-memory-limit '128Mi' is below 256Mi"},
                {"expected-machines: [laptop, my laptop]", "expected-machines: 'my laptop' is not a machine name"},
                {"expected-machines: \"a,b=c\"", "'b=c' is not a machine name"},
                {"collector-image: otel/opentelemetry-collector-contrib:latest", "collector-image"},
                {"namespace: Monitoring", "namespace 'Monitoring' is not a valid name"},
                {"lb-pool: 10.10.30.99-10.10.30.20", "FIRST <= LAST"},
                {"loki-tenant: \"team\\r\\nX-Injected: 1\"", "loki-tenant"},
                {"context: \"homelab\\e]0;pwned\\a\"", "context 'homelab\\e]0;pwned' is not one line of text"},
                {"kubeconfig: \"/tmp/a\\nb\"", "kubeconfig"},
        };
        int i = 0;
        for (String[] v : values) {
            // alternate the command, so each value is refused by more than one of them
            String[] cmd = COMMANDS.get(i++ % COMMANDS.size());
            String[] rest = java.util.Arrays.copyOfRange(cmd, 1, cmd.length);
            String key = v[0].substring(0, v[0].indexOf(':'));
            c(out, cmd[0] + "/value-" + key + "-" + i, cmd[0], USAGE, v[1], rest).yaml(v[0] + "\n");
        }
    }

    private static void deploy(List<HostileCase> out) {
        String[] dry = {"--dry-run"};
        c(out, "deploy/timeout-overflow", "deploy", USAGE, "--timeout '99999999999999999999s' is too long", "--dry-run", "--timeout", "99999999999999999999s");
        c(out, "deploy/timeout-long-overflow", "deploy", USAGE, "--timeout '9223372036854775807d'", "--dry-run", "--timeout", "9223372036854775807d");
        c(out, "deploy/timeout-zero", "deploy", USAGE, "--timeout '0s' is zero; a duration must be positive", "--dry-run", "--timeout", "0s");
        c(out, "deploy/timeout-no-unit", "deploy", USAGE, "--timeout '5' is not a duration", "--dry-run", "--timeout", "5");
        c(out, "deploy/timeout-negative", "deploy", USAGE, "--timeout '-1s' is not a duration", "--dry-run", "--timeout", "-1s");
        c(out, "deploy/timeout-too-long", "deploy", USAGE, "--timeout '367d' is too long", "--dry-run", "--timeout", "367d");
        c(out, "deploy/skip-check-unknown-dry-run", "deploy", USAGE, "--skip-check rbca: no such check", "--dry-run", "--skip-check", "rbca");
        c(out, "deploy/skip-check-unknown", "deploy", USAGE, "--skip-check nope: no such check", "--context", "homelab", "--kubeconfig", "{kube}", "--skip-check", "nope");
        c(out, "deploy/vip-bad", "deploy", USAGE, "vip '10.10.30' is not an IPv4 address", "--dry-run", "--vip", "10.10.30");
        c(out, "deploy/vip-escape", "deploy", USAGE, "vip '10.10.30.22\\e[2J'", "--dry-run", "--vip", "10.10.30.22\u001b[2J");
        c(out, "deploy/cidr-bad", "deploy", USAGE, "flag --trusted-cidr: trusted-cidrs: '10.0.0.0/8x' is not an IPv4 CIDR", "--dry-run", "--trusted-cidr", "10.0.0.0/8x");
        c(out, "deploy/cidr-second-bad", "deploy", USAGE, "trusted-cidrs: '300.0.0.0/8' is not an IPv4 CIDR", "--dry-run",
                "--trusted-cidr", "10.0.0.0/8", "--trusted-cidr", "300.0.0.0/8");
        c(out, "deploy/loki-url-ftp", "deploy", USAGE, "--loki-url 'ftp://loki' is not an http(s) URL", "--dry-run", "--loki-url", "ftp://loki");
        c(out, "deploy/loki-url-credentials", "deploy", USAGE, "--loki-url must not carry credentials", "--dry-run", "--loki-url", "http://u:p@127.0.0.1:3100");
        c(out, "deploy/diff-and-dry-run", "deploy", USAGE, "use one of them", "--dry-run", "--diff");
        for (String flag : new String[] {"--collector-config", "--dashboard"}) {
            String key = flag.substring(2);
            c(out, "deploy/" + key + "-directory", "deploy", USAGE, key + ": {d}/in.d is a directory, not a file", concat(dry, flag, "{d}/in.d"))
                    .setup(d -> Files.createDirectory(d.resolve("in.d")));
            c(out, "deploy/" + key + "-fifo", "deploy", USAGE, "in.fifo is a FIFO (named pipe)", concat(dry, flag, "{d}/in.fifo"))
                    .setup(d -> mkfifo(d.resolve("in.fifo")));
            c(out, "deploy/" + key + "-dev-null", "deploy", USAGE, key + ": /dev/null is /dev/null", concat(dry, flag, "/dev/null"));
            c(out, "deploy/" + key + "-dev-zero", "deploy", USAGE, key + ": /dev/zero is a character device", concat(dry, flag, "/dev/zero"));
            c(out, "deploy/" + key + "-process-substitution", "deploy", USAGE, "/dev/fd/63 ", concat(dry, flag, "/dev/fd/63"));
            c(out, "deploy/" + key + "-missing", "deploy", USAGE, "nope.yaml does not exist", concat(dry, flag, "{d}/nope.yaml"));
            c(out, "deploy/" + key + "-not-utf8", "deploy", USAGE, "latin1.txt is not UTF-8 text: byte 8 (0xe9)", concat(dry, flag, "{d}/latin1.txt"))
                    .bytes("latin1.txt", bytes("# caf", 0x63, "e ", 0xe9, "\n"));
            c(out, "deploy/" + key + "-ten-megabytes-one-line", "deploy", USAGE, "one-line.txt is 10485760 bytes, over the 1MiB limit",
                    concat(dry, flag, "{d}/one-line.txt")).setup(d -> Files.write(d.resolve("one-line.txt"), new byte[10 << 20]));
            c(out, "deploy/" + key + "-utf16", "deploy", USAGE, "utf16.txt is not UTF-8 text: byte 0 (0xff)", concat(dry, flag, "{d}/utf16.txt"))
                    .setup(d -> Files.write(d.resolve("utf16.txt"),
                            concatBytes(new byte[] {(byte) 0xff, (byte) 0xfe}, "receivers: {}\n".getBytes(StandardCharsets.UTF_16LE))));
        }
        c(out, "deploy/no-context", "deploy", USAGE, "no kubeconfig context named", "--kubeconfig", "{kube}");
        c(out, "deploy/kubeconfig-missing", "deploy", USAGE, "kubeconfig {d}/none.yaml does not exist", "--context", "homelab", "--kubeconfig", "{d}/none.yaml");
        c(out, "deploy/kubeconfig-directory", "deploy", USAGE, "kubeconfig: {d}/kube.d is a directory", "--context", "homelab", "--kubeconfig", "{d}/kube.d")
                .setup(d -> Files.createDirectory(d.resolve("kube.d")));
        c(out, "deploy/kubeconfig-not-yaml", "deploy", USAGE, "is not a kubeconfig", "--context", "homelab", "--kubeconfig", "{d}/k.yaml")
                .file("k.yaml", "token: s3cr3t\n  - : [");
        c(out, "deploy/kubeconfig-server-not-url", "deploy", USAGE, "has server 'not a url', which is not an http(s) URL",
                "--context", "homelab", "--kubeconfig", "{d}/k.yaml").file("k.yaml", kubeconfig("not a url"));
        c(out, "deploy/kubeconfig-server-no-scheme", "deploy", USAGE, "has server '10.10.30.10:6443', which is not an http(s) URL",
                "--context", "homelab", "--kubeconfig", "{d}/k.yaml").file("k.yaml", kubeconfig("10.10.30.10:6443"));
        c(out, "deploy/kubeconfig-context-absent", "deploy", USAGE, "context 'work' is not in kubeconfig", "--context", "work", "--kubeconfig", "{kube}");
        c(out, "deploy/kubeconfig-not-utf8", "deploy", USAGE, "is not UTF-8 text", "--context", "homelab", "--kubeconfig", "{d}/k.yaml")
                .bytes("k.yaml", bytes("apiVersion: v1\n# ", 0xc3, "(\n"));
        c(out, "deploy/context-escape", "deploy", USAGE, "context 'home\\e]0;pwned\\x07lab' is not one line of text", "--context", "home\u001b]0;pwned\u0007lab", "--kubeconfig", "{kube}");
        c(out, "deploy/state-dir-is-a-file", "deploy", USAGE, "state directory (state-dir) '{d}/state-file' is a file, not a directory",
                "--state-dir", "{d}/state-file", "--context", "homelab", "--kubeconfig", "{kube}").ownStateDir().file("state-file", "not a directory\n");
        c(out, "deploy/state-dir-parent-read-only", "deploy", USAGE, "state directory (state-dir) '/sys/migrate-state' is not writable",
                "--state-dir", "/sys/migrate-state", "--context", "homelab", "--kubeconfig", "{kube}").ownStateDir();
        c(out, "deploy/state-dir-under-a-file", "deploy", USAGE, "'{d}/state-file' is a file, not a directory",
                "--state-dir", "{d}/state-file/sub", "--context", "homelab", "--kubeconfig", "{kube}").ownStateDir().file("state-file", "x\n");
        c(out, "deploy/api-server-html", "deploy", FAILED, "answered get namespaces monitoring with an HTML page instead of the Kubernetes API's JSON",
                "--context", "homelab", "--kubeconfig", "{kube:html}").records("failed");
        c(out, "deploy/api-server-500", "deploy", FAILED, "failed get namespaces monitoring with HTTP 500; this is the server's own error, not a permission problem",
                "--context", "homelab", "--kubeconfig", "{kube:500}").records("failed");
        c(out, "deploy/api-server-never-answers", "deploy", FAILED, "did not answer get namespaces monitoring within 2.0 s (setting read-timeout)",
                "--context", "homelab", "--kubeconfig", "{kube:never}").yaml("read-timeout: 2s\n").records("failed");
        c(out, "deploy/api-server-huge-body", "deploy", FAILED, "an answer larger than 1MiB (setting max-response-size)",
                "--context", "homelab", "--kubeconfig", "{kube:huge}").yaml("max-response-size: 1MiB\n").records("failed");
        c(out, "deploy/api-server-closed-port", "deploy", FAILED, "cannot reach the API server http://127.0.0.1:1",
                "--context", "homelab", "--kubeconfig", "{kube}").records("failed");
    }

    private static void verify(List<HostileCase> out) {
        c(out, "verify/since-zero", "verify", USAGE, "--since '0s' is zero", "--since", "0s");
        c(out, "verify/since-overflow", "verify", USAGE, "--since '99999999999999999999m' is too long", "--since", "99999999999999999999m");
        c(out, "verify/since-too-long", "verify", USAGE, "--since '8d' is longer than 7d", "--since", "8d");
        c(out, "verify/http-timeout-zero", "verify", USAGE, "--http-timeout '0ms' is zero", "--http-timeout", "0ms");
        c(out, "verify/http-timeout-exponent", "verify", USAGE, "--http-timeout '1e3s' is not a duration", "--http-timeout", "1e3s");
        c(out, "verify/protocol-unknown", "verify", USAGE, "--protocol 'udp' is not supported", "--protocol", "udp");
        c(out, "verify/junit-into-state-dir", "verify", USAGE, "is inside the state directory", "--junit", "{state}/ledger.jsonl");
        c(out, "verify/junit-onto-settings", "verify", USAGE, "is the settings file", "--junit", "{cfg}");
        c(out, "verify/junit-onto-foreign-file", "verify", USAGE, "notes.txt exists and is not a migrate report; choose another path, or add --force",
                "--junit", "{d}/notes.txt").file("notes.txt", "my notes\n");
        c(out, "verify/junit-onto-directory", "verify", USAGE, "out.d is a directory", "--junit", "{d}/out.d").setup(d -> Files.createDirectory(d.resolve("out.d")));
        c(out, "verify/junit-onto-dev-null", "verify", USAGE, "/dev/null is not a regular file", "--junit", "/dev/null", "--force");
        c(out, "verify/junit-missing-directory", "verify", USAGE, "the directory {d}/no-such-dir does not exist", "--junit", "{d}/no-such-dir/r.xml");
        c(out, "verify/junit-named-migrate-yaml", "verify", USAGE, "is named like a settings file", "--junit", "{d}/other/migrate.yaml")
                .setup(d -> Files.createDirectory(d.resolve("other")));
        c(out, "verify/junit-symlink-to-ledger", "verify", USAGE, "is inside the state directory", "--junit", "{d}/link.xml")
                .setup(d -> Files.createSymbolicLink(d.resolve("link.xml"), d.resolve("state/ledger.jsonl")));
        c(out, "verify/only-unknown-check", "verify", USAGE, "nosuch", "--only", "nosuch");
        c(out, "verify/skip-unknown-check", "verify", USAGE, "nosuch", "--skip", "vip-reachable,nosuch");
        c(out, "verify/junit-escape-in-path", "verify", USAGE, "holds a control character", "--junit", "{d}/r\u001b]0;x\u0007.xml");
        c(out, "verify/prometheus-url-not-url", "verify", USAGE, "--prometheus-url 'not a url' is not an http(s) URL", "--prometheus-url", "not a url");
        c(out, "verify/prometheus-url-credentials", "verify", USAGE, "do not put credentials in the URL", "--prometheus-url", "http://admin:pw@127.0.0.1:9");
        String url = "http://127.0.0.1:9";
        c(out, "verify/token-file-directory", "verify", USAGE, "--prometheus-token-file: {d}/tok.d is a directory", "--prometheus-url", url, "--prometheus-token-file", "{d}/tok.d")
                .setup(d -> Files.createDirectory(d.resolve("tok.d")));
        c(out, "verify/token-file-missing", "verify", USAGE, "--prometheus-token-file: {d}/none does not exist", "--prometheus-url", url, "--prometheus-token-file", "{d}/none");
        c(out, "verify/token-file-empty", "verify", USAGE, "tok is empty", "--prometheus-url", url, "--prometheus-token-file", "{d}/tok").file("tok", "\n");
        c(out, "verify/token-file-two-lines", "verify", USAGE, "tok has more than one line", "--prometheus-url", url, "--prometheus-token-file", "{d}/tok").file("tok", "abc\ndef\n");
        c(out, "verify/token-file-carriage-return", "verify", USAGE, "tok: the secret holds a control or non-ASCII character", "--prometheus-url", url,
                "--prometheus-token-file", "{d}/tok").file("tok", "abc\rX-Injected: 1\n");
        c(out, "verify/token-file-non-ascii", "verify", USAGE, "the secret holds a control or non-ASCII character (at position 4)", "--loki-url", url,
                "--loki-token-file", "{d}/tok").file("tok", "abc\u00e9\n");
        c(out, "verify/token-file-too-large", "verify", USAGE, "over the 64KiB limit", "--grafana-url", url, "--grafana-token-file", "{d}/tok")
                .file("tok", "a".repeat(70_000));
        c(out, "verify/token-file-fifo", "verify", USAGE, "tok.fifo is a FIFO", "--alertmanager-url", url, "--alertmanager-token-file", "{d}/tok.fifo")
                .setup(d -> mkfifo(d.resolve("tok.fifo")));
        c(out, "verify/basic-auth-no-colon", "verify", USAGE, "expected 'user:password' on one line", "--prometheus-url", url,
                "--prometheus-basic-auth-file", "{d}/basic").file("basic", "useronly\n");
        c(out, "verify/loki-tenant-crlf", "verify", USAGE, "loki-tenant 'a\\r\\nX-Injected: 1' is not one line of text", "--loki-url", url, "--loki-tenant", "a\r\nX-Injected: 1");
        c(out, "verify/checks-timeout-overflow", "verify", USAGE, "timeout '99999999999999999999s' is too long").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "verify.yaml", "timeout: 10s", "timeout: 99999999999999999999s"));
        c(out, "verify/checks-timeout-zero", "verify", USAGE, "timeout '0s' is zero").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "verify.yaml", "timeout: 5s", "timeout: 0s"));
        c(out, "verify/checks-file-not-utf8", "verify", USAGE, "verify.yaml is not UTF-8 text").yaml("checks-dir: {d}/checks\n")
                .setup(d -> {
                    checks(d, "verify.yaml", "timeout: 10s", "timeout: 10s");
                    Files.write(d.resolve("checks/verify.yaml"), concatBytes(Files.readAllBytes(d.resolve("checks/verify.yaml")), new byte[] {(byte) 0xfe}));
                });
        c(out, "verify/checks-dir-is-a-file", "verify", USAGE, "checks-dir: {d}/checks-file/verify.yaml")
                .yaml("checks-dir: {d}/checks-file\n").file("checks-file", "x\n");
        c(out, "verify/state-dir-is-a-file", "verify", USAGE, "'{d}/state-file' is a file, not a directory", "--state-dir", "{d}/state-file")
                .ownStateDir().file("state-file", "x\n");
    }

    private static void soak(List<HostileCase> out) {
        c(out, "soak/duration-overflow", "soak", USAGE, "--duration '99999999999999999999h' is too long", "--duration", "99999999999999999999h");
        c(out, "soak/duration-zero", "soak", USAGE, "--duration '0m' is zero", "--duration", "0m");
        c(out, "soak/interval-exponent", "soak", USAGE, "--interval '1e3s' is not a duration", "--interval", "1e3s");
        c(out, "soak/max-gap-overflow", "soak", USAGE, "--max-gap '999999999999999d' is too long", "--max-gap", "999999999999999d");
        c(out, "soak/interval-not-shorter", "soak", USAGE, "--interval 2h must be shorter than --duration 1h", "--duration", "1h", "--interval", "2h");
        c(out, "soak/apply-alone", "soak", USAGE, "--apply only goes with --in-cluster", "--apply");
        c(out, "soak/report-and-attach", "soak", USAGE, "choose one of --in-cluster, --attach and --report", "--report", "--attach");
        c(out, "soak/condition-huge-number", "soak", USAGE, "the number is too large").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "soak.yaml", "successCondition: result == 1", "successCondition: result == 1" + "0".repeat(400)));
        c(out, "soak/condition-infinity", "soak", USAGE, "is not a condition").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "soak.yaml", "successCondition: result == 1", "successCondition: result == Infinity"));
        c(out, "soak/check-window-overflow", "soak", USAGE, "window '99999999999999999999m' is too long").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "soak.yaml", "window: 5m", "window: 99999999999999999999m"));
        c(out, "soak/check-window-zero", "soak", USAGE, "window '0s' is zero").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "soak.yaml", "window: 5m", "window: 0s"));
        c(out, "soak/state-dir-is-a-file", "soak", USAGE, "'{d}/state-file' is a file, not a directory",
                "--state-dir", "{d}/state-file", "--prometheus-url", "{http:html}").ownStateDir().file("state-file", "x\n");
        c(out, "soak/prometheus-html", "soak", USAGE, "answered an HTML page instead of its API's JSON", "--prometheus-url", "{http:html}", "--loki-url", "{http:html}");
        c(out, "soak/prometheus-500", "soak", USAGE, "answered HTTP 500", "--prometheus-url", "{http:500}", "--loki-url", "{http:500}");
        c(out, "soak/prometheus-never-answers", "soak", USAGE, "did not answer within 1000 ms", "--prometheus-url", "{http:never}",
                "--loki-url", "{http:never}", "--http-timeout", "1s");
        c(out, "soak/prometheus-huge-body", "soak", USAGE, "the answer is larger than 1MiB (setting max-response-size)",
                "--prometheus-url", "{http:huge}", "--loki-url", "{http:huge}").yaml("max-response-size: 1MiB\n");
        c(out, "soak/prometheus-huge-body-default-cap", "soak", USAGE, "the answer is larger than 64MiB",
                "--prometheus-url", "{http:huge}", "--loki-url", "{http:huge}", "--http-timeout", "60s");
        c(out, "soak/journal-damaged-in-the-middle", "soak", USAGE, "is damaged at line 1 (not a valid record: fields missing or of the wrong type)", "--prometheus-url", "{http:html}", "--report")
                .setup(d -> Files.createDirectories(d.resolve("state/soak")))
                .file("state/soak/journal.jsonl", "{\"type\":\"header\",\"version\":1}\nnot json\n{\"type\":\"cycle\"}\n");
    }

    private static void retire(List<HostileCase> out) {
        c(out, "retire/stop-timeout-negative", "retire", USAGE, "--stop-timeout -1 is negative", "--stop-timeout", "-1");
        c(out, "retire/stop-timeout-overflow", "retire", USAGE, "--stop-timeout", "--stop-timeout", "99999999999999999999");
        c(out, "retire/port-zero", "retire", USAGE, "--ports: 0 is not a TCP port", "--ports", "0");
        c(out, "retire/port-too-large", "retire", USAGE, "--ports: 70000 is not a TCP port", "--ports", "4317,70000");
        c(out, "retire/force-without-reason", "retire", USAGE, "--force needs --reason", "--force");
        c(out, "retire/reason-without-force", "retire", USAGE, "--reason is only meaningful with --force", "--reason", "x");
        c(out, "retire/no-backup-without-yes", "retire", USAGE, "--no-backup is only accepted together with --yes", "--no-backup");
        c(out, "retire/data-loss-alone", "retire", USAGE, "--i-understand-data-loss only confirms --no-backup", "--i-understand-data-loss");
        c(out, "retire/restore-with-yes", "retire", USAGE, "--restore takes only", "--restore", "--yes");
        c(out, "retire/docker-host-http", "retire", USAGE, "Docker host 'http://127.0.0.1:2375' is not supported", "--docker-host", "http://127.0.0.1:2375");
        c(out, "retire/docker-host-escape", "retire", USAGE, "docker-host 'unix:///run/docker.sock\\e]0;x' is not one line of text", "--docker-host", "unix:///run/docker.sock\u001b]0;x\u0007");
        c(out, "retire/project-bad-name", "retire", USAGE, "compose-project 'Claude Monitoring' is not a valid name", "--project", "Claude Monitoring");
        c(out, "retire/backup-dir-missing", "retire", USAGE, "backup directory {d}/backups does not exist", "--yes", "--backup-dir", "{d}/backups",
                "--docker-host", "{docker:never}");
        c(out, "retire/backup-dir-is-a-file", "retire", USAGE, "backup directory {d}/backups is not a directory", "--yes", "--backup-dir", "{d}/backups",
                "--docker-host", "{docker:never}").file("backups", "x\n");
        c(out, "retire/state-dir-is-a-file", "retire", USAGE, "'{d}/state-file' is a file, not a directory", "--state-dir", "{d}/state-file",
                "--docker-host", "{docker:never}").ownStateDir().file("state-file", "x\n");
        c(out, "retire/state-dir-parent-read-only", "retire", USAGE, "'/sys/migrate-state' is not writable", "--state-dir", "/sys/migrate-state",
                "--docker-host", "{docker:never}").ownStateDir();
        c(out, "retire/docker-html", "retire", FAILED, "answered GET /version with an HTML page instead of the Engine API's JSON", "--docker-host", "{docker:html}");
        c(out, "retire/docker-500", "retire", FAILED, "the Docker engine answered an error (GET /version: 500", "--docker-host", "{docker:500}");
        c(out, "retire/docker-never-answers", "retire", FAILED, "cannot reach the Docker engine at unix://", "--docker-host", "{docker:never}")
                .yaml("read-timeout: 2s\n");
        c(out, "retire/docker-never-answers-yes", "retire", FAILED, "cannot reach the Docker engine at unix://", "--yes", "--backup-dir", "{d}",
                "--docker-host", "{docker:never}").yaml("read-timeout: 1s\n");
        c(out, "retire/docker-huge-body", "retire", FAILED, "the answer is larger than 1MiB (setting max-response-size)", "--docker-host", "{docker:huge}")
                .yaml("max-response-size: 1MiB\n");
        c(out, "retire/docker-socket-missing", "retire", FAILED, "cannot reach the Docker engine at unix://{d}/no.sock", "--docker-host", "unix://{d}/no.sock");
        c(out, "retire/docker-socket-is-a-file", "retire", FAILED, "cannot reach the Docker engine at unix://{d}/plain", "--docker-host", "unix://{d}/plain")
                .file("plain", "not a socket\n");
        c(out, "retire/stop-timeout-not-a-number", "retire", USAGE, "--stop-timeout", "--stop-timeout", "ten");
    }

    /** The record and the Compose backport: nothing written on bad input, and a record needs a passed deploy. */
    private static void recordAndBackport(List<HostileCase> out) {
        String deployed = "{\"step\":\"deploy\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:01:00Z\","
                + "\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"ok\",\"reportPath\":\"\",\"details\":{}}";
        c(out, "record/empty-ledger", "record", 3, "nothing deployed yet");
        c(out, "record/empty-ledger-out", "record", 3, "nothing deployed yet", "--out", "{d}/record");
        c(out, "record/out-is-a-file", "record", USAGE, "--out {d}/afile is a file, not a directory", "--out", "{d}/afile")
                .file("state/ledger.jsonl", deployed + "\n").file("afile", "x\n");
        c(out, "record/out-in-state-dir", "record", USAGE, "--out", "--out", "{state}/record")
                .file("state/ledger.jsonl", deployed + "\n");
        c(out, "record/out-control-character", "record", USAGE, "holds a control character", "--out", "{d}/r\u001b]0;t\u0007");
        c(out, "record/version-not-semver", "record", USAGE, "record-version '1.2' is not a semantic version").yaml("record-version: 1.2\n");
        c(out, "record/version-leading-zero", "record", USAGE, "record-version '0.015.0' is not a semantic version")
                .yaml("record-version: 0.015.0\n");
        c(out, "record/dns-name-bad", "record", USAGE, "vip-dns-name 'Bad_Name' is not a DNS name").yaml("vip-dns-name: Bad_Name\n");
        c(out, "record/output-unknown", "record", USAGE, "-o", "-o", "yaml");
        c(out, "backport/out-is-a-file", "backport", USAGE, "--out {d}/afile is a file, not a directory", "--out", "{d}/afile")
                .file("afile", "x\n");
        c(out, "backport/out-in-state-dir", "backport", USAGE, "--out", "--out", "{state}/stack");
        c(out, "backport/out-control-character", "backport", USAGE, "holds a control character", "--out", "{d}/s\u001b[31m");
        c(out, "backport/loki-image-latest", "backport", USAGE, "backport-loki-image 'grafana/loki:latest' is not a pinned image")
                .yaml("backport-loki-image: grafana/loki:latest\n");
        c(out, "backport/retention-zero", "backport", USAGE, "backport-loki-retention '0s' is zero").yaml("backport-loki-retention: 0s\n");
        c(out, "backport/output-unknown", "backport", USAGE, "-o", "-o", "yaml");
    }

    private static void statusConfigClientEnv(List<HostileCase> out) {
        String record = "{\"step\":\"deploy\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:01:00Z\","
                + "\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"ok\",\"reportPath\":\"\",\"details\":{}}";
        c(out, "status/ledger-torn-tail", "status", OK, "unreadable line 3 (torn: no newline at its end").warns()
                .file("state/ledger.jsonl", record + "\n" + record + "\n{\"step\":\"ver");
        c(out, "status/ledger-garbage-line", "status", OK, "unreadable line 2 (").warns()
                .file("state/ledger.jsonl", record + "\nthis is not json\n" + record + "\n");
        c(out, "status/ledger-two-bad-lines", "status", OK, "unreadable line 1 (").warns()
                .file("state/ledger.jsonl", "{}\n" + record + "\n[1,2]\n");
        c(out, "status/ledger-not-utf8", "status", OK, "unreadable line 2 (not UTF-8)").warns()
                .bytes("state/ledger.jsonl", concatBytes((record + "\n").getBytes(StandardCharsets.UTF_8), bytes("{\"step\":\"", 0xff, "\"}\n")));
        c(out, "status/ledger-escape-in-line", "status", OK, "unreadable line 1 (").warns()
                .file("state/ledger.jsonl", "\u001b]0;pwned\u0007\n");
        c(out, "status/ledger-is-a-directory", "status", USAGE, "the ledger: {state}/ledger.jsonl is a directory")
                .setup(d -> replaceWithDirectory(d.resolve("state/ledger.jsonl")));
        c(out, "status/state-dir-is-a-file", "status", USAGE, "the ledger: {d}/state-file/ledger.jsonl cannot be read: ", "--state-dir", "{d}/state-file")
                .ownStateDir().file("state-file", "x\n");
        c(out, "status/json-with-torn-ledger", "status", OK, "unreadable line 2 (torn", "-o", "json").warns()
                .file("state/ledger.jsonl", record + "\n{\"step\":");
        c(out, "status/ledger-record-missing-fields", "status", OK, "unreadable line 1 (not a step record").warns()
                .file("state/ledger.jsonl", "{\"summary\":\"no step\"}\n" + record + "\n");
        c(out, "status/output-unknown", "status", USAGE, "-o", "-o", "yaml");
        c(out, "config/output-unknown", "config", USAGE, "-o", "-o", "xml");
        c(out, "config/namespace-flag-bad", "config", USAGE, "namespace 'Bad_NS' is not a valid name", "-n", "Bad_NS");
        c(out, "config/kubeconfig-nul", "config", USAGE, "holds a control character", "--kubeconfig", "/tmp/k\0.yaml");
        c(out, "client-env/machine-name-escape", "client-env", USAGE, "--machine-name 'pc\\e]0;pwned\\x07'", "--machine-name", "pc\u001b]0;pwned\u0007");
        c(out, "client-env/machine-name-csi", "client-env", USAGE, "--machine-name 'pc\\e[31mred'", "--machine-name", "pc\u001b[31mred");
        c(out, "client-env/machine-name-newline", "client-env", USAGE, "--machine-name 'pc\\nexport X=1'", "--machine-name", "pc\nexport X=1");
        c(out, "client-env/machine-name-shell", "client-env", USAGE, "--machine-name 'pc'; rm -rf ~'", "--machine-name", "pc'; rm -rf ~");
        c(out, "client-env/machine-name-equals", "client-env", USAGE, "--machine-name 'a=b'", "--machine-name", "a=b");
        c(out, "client-env/machine-name-too-long", "client-env", USAGE, "at most 63 characters", "--machine-name", "m".repeat(64));
        c(out, "client-env/machine-name-empty", "client-env", USAGE, "--machine-name ''", "--machine-name", "");
        c(out, "client-env/shell-unknown", "client-env", USAGE, "tcsh", "--machine-name", "pc", "--shell", "tcsh");
        c(out, "client-env/machine-name-missing", "client-env", USAGE, "--machine-name");
        c(out, "client-env/settings-file-dev-null", "client-env", USAGE, "--settings-file: /dev/null is /dev/null (always empty)",
                "--machine-name", "pc", "--write-settings", "--settings-file", "/dev/null");
        c(out, "client-env/settings-file-escape-in-name", "client-env", USAGE,
                "'--settings-file': '/proc/x\\e[31m/settings.json' holds a control character",
                "--machine-name", "pc", "--write-settings", "--settings-file", "/proc/x\u001b[31m/settings.json");
    }

    /** Values from the environment, and ./migrate.yaml: named by their real source. A fresh JVM each. */
    private static void environmentAndWorkingDirectory(List<HostileCase> out) {
        c(out, "env/soak-duration-overflow", "config", USAGE, "env MIGRATE_SOAK_DURATION: soak-duration '99999999999999999999h' is too long")
                .env("MIGRATE_SOAK_DURATION", "99999999999999999999h");
        c(out, "env/vip-bad", "deploy", USAGE, "env MIGRATE_VIP: vip '10.10.30.999'", "--dry-run").env("MIGRATE_VIP", "10.10.30.999");
        c(out, "env/spend-infinity", "deploy", USAGE, "env MIGRATE_DAILY_SPEND_ALERT_USD: daily-spend-alert-usd 'Infinity'", "--dry-run")
                .env("MIGRATE_DAILY_SPEND_ALERT_USD", "Infinity");
        c(out, "env/loki-tenant-crlf", "verify", USAGE, "env MIGRATE_LOKI_TENANT: loki-tenant", "--loki-url", "http://127.0.0.1:9")
                .env("MIGRATE_LOKI_TENANT", "a\r\nX-Injected: 1");
        c(out, "env/prometheus-token-crlf", "verify", USAGE, "env MIGRATE_PROMETHEUS_TOKEN: the secret holds a control", "--prometheus-url", "http://127.0.0.1:9")
                .env("MIGRATE_PROMETHEUS_TOKEN", "abc\r\nX-Injected: 1");
        c(out, "env/config-missing", "status", USAGE, "config file (env MIGRATE_CONFIG) {d}/nope.yaml does not exist: create it or drop the MIGRATE_CONFIG variable")
                .ownConfig().env("MIGRATE_CONFIG", "{d}/nope.yaml");
        c(out, "env/config-directory", "config", USAGE, "config file: {d}/conf.d is a directory").ownConfig()
                .env("MIGRATE_CONFIG", "{d}/conf.d").setup(d -> Files.createDirectory(d.resolve("conf.d")));
        c(out, "env/kubeconfig-missing", "deploy", USAGE, "none.yaml does not exist; pass --kubeconfig FILE with the homelab's kubeconfig"
                + " (e.g. ~/.kube/homelab.yaml) (the kubeconfig path is from env MIGRATE_KUBECONFIG)", "--context", "homelab")
                .env("MIGRATE_KUBECONFIG", "{d}/none.yaml");
        c(out, "deploy/kubeconfig-from-settings-is-a-directory", "deploy", USAGE, "is a directory, not a file; give the path of the file itself"
                + " (the kubeconfig path is from file {cfg})", "--context", "homelab").yaml("kubeconfig: {d}/kube.d\n")
                .setup(d -> Files.createDirectory(d.resolve("kube.d")));
        c(out, "env/connect-timeout-zero", "retire", USAGE, "env MIGRATE_CONNECT_TIMEOUT: connect-timeout '0s' is zero")
                .env("MIGRATE_CONNECT_TIMEOUT", "0s");
        for (String[] cmd : new String[][] {{"deploy", "--dry-run"}, {"config"}, {"status"}, {"soak"}}) {
            c(out, "cwd/" + cmd[0] + "-migrate-yaml-is-a-directory", cmd[0], USAGE, "config file: migrate.yaml is a directory, not a file",
                    java.util.Arrays.copyOfRange(cmd, 1, cmd.length)).ownConfig().inCaseDir()
                    .setup(d -> replaceWithDirectory(d.resolve("migrate.yaml")));
        }
        c(out, "cwd/migrate-yaml-is-a-fifo", "config", USAGE, "config file: migrate.yaml is a FIFO").ownConfig().inCaseDir()
                .setup(d -> {
                    Files.delete(d.resolve("migrate.yaml"));
                    mkfifo(d.resolve("migrate.yaml"));
                });
        c(out, "cwd/migrate-yaml-alias", "config", USAGE, "migrate.yaml:2: a YAML alias").ownConfig().inCaseDir()
                .file("migrate.yaml", "namespace: &n monitoring\nprometheus-release: *n\n");
    }

    /**
     * The second hardening round: secrets that must never be echoed, state files that are
     * not what migrate wrote, settings whose meaning depends on where they came from.
     */
    private static void secretsStateFilesAndSettingsRoundTwo(List<HostileCase> out) {
        String record = "{\"step\":\"deploy\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:01:00Z\","
                + "\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"ok\",\"reportPath\":\"\",\"details\":{}}";
        // @file expansion is off: the file's words (a kubeconfig's token) are never turned into arguments.
        for (String[] cmd : COMMANDS) {
            c(out, cmd[0] + "/at-file-argument", cmd[0], USAGE, "'@{d}/kube.yaml'",
                    concat(java.util.Arrays.copyOfRange(cmd, 1, cmd.length), "@{d}/kube.yaml")).hides("not-a-real-token");
        }
        // Credentials in a URL setting: refused by every command, naming the real source, never echoed.
        c(out, "config/prometheus-url-password-in-file", "config", USAGE, "file {cfg}:1: prometheus-url 'http://***@127.0.0.1:9'")
                .yaml("prometheus-url: http://admin:hunter2@127.0.0.1:9\n").hides("hunter2");
        c(out, "verify/grafana-url-password-in-file", "verify", USAGE, "file {cfg}:1: grafana-url 'http://***@127.0.0.1:9/'")
                .yaml("grafana-url: http://admin:hunter2@127.0.0.1:9/\n").hides("hunter2");
        c(out, "verify/prometheus-url-password-in-file", "verify", USAGE, "file {cfg}:1: prometheus-url 'http://***@127.0.0.1:9'")
                .yaml("prometheus-url: http://admin:hunter2@127.0.0.1:9\n").hides("hunter2");
        c(out, "soak/prometheus-url-password-in-file", "soak", USAGE, "file {cfg}:1: prometheus-url 'http://***@127.0.0.1:9'")
                .yaml("prometheus-url: http://admin:hunter2@127.0.0.1:9\n").hides("hunter2");
        c(out, "env/loki-url-password", "config", USAGE, "env MIGRATE_LOKI_URL: loki-url 'http://***@127.0.0.1:3100'")
                .env("MIGRATE_LOKI_URL", "http://admin:hunter2@127.0.0.1:3100").hides("hunter2");
        c(out, "env/verify-loki-url-password", "verify", USAGE, "env MIGRATE_LOKI_URL")
                .env("MIGRATE_LOKI_URL", "http://admin:hunter2@127.0.0.1:3100").hides("hunter2");
        c(out, "verify/prometheus-url-password-flag", "verify", USAGE, "flag --prometheus-url: prometheus-url 'http://***@127.0.0.1:9'",
                "--prometheus-url", "http://admin:hunter2@127.0.0.1:9").hides("hunter2");
        c(out, "verify/prometheus-url-not-url-in-file", "verify", USAGE, "prometheus-url (file {cfg}) 'not a url' is not an http(s) URL")
                .yaml("prometheus-url: not a url\n");
        c(out, "env/alertmanager-url-not-url", "verify", USAGE, "alertmanager-url (env MIGRATE_ALERTMANAGER_URL) 'ftp:x' is not an http(s) URL")
                .env("MIGRATE_ALERTMANAGER_URL", "ftp:x");
        // A header value must be ASCII, whatever the command and source.
        c(out, "verify/loki-tenant-non-ascii", "verify", USAGE, "loki-tenant 'équipe' is not printable ASCII", "--loki-url", "http://127.0.0.1:9")
                .yaml("loki-tenant: équipe\n");
        c(out, "config/loki-tenant-non-ascii-flagless", "config", USAGE, "file {cfg}:1: loki-tenant").yaml("loki-tenant: t\u00e9\n");
        // State files that are not files migrate wrote: refused, never read forever or into memory.
        c(out, "status/ledger-is-a-fifo", "status", USAGE, "ledger.jsonl is a FIFO (named pipe)")
                .setup(d -> {
                    Files.delete(d.resolve("state/ledger.jsonl"));
                    mkfifo(d.resolve("state/ledger.jsonl"));
                });
        c(out, "status/ledger-links-to-dev-zero", "status", USAGE, "ledger.jsonl is a symbolic link")
                .setup(d -> {
                    Files.delete(d.resolve("state/ledger.jsonl"));
                    Files.createSymbolicLink(d.resolve("state/ledger.jsonl"), Path.of("/dev/zero"));
                });
        c(out, "status/ledger-links-elsewhere", "status", USAGE, "is a symbolic link, not a file migrate wrote")
                .file("elsewhere.jsonl", record + "\n")
                .setup(d -> {
                    Files.delete(d.resolve("state/ledger.jsonl"));
                    Files.createSymbolicLink(d.resolve("state/ledger.jsonl"), d.resolve("elsewhere.jsonl"));
                });
        c(out, "record/ledger-is-a-fifo", "record", USAGE, "ledger.jsonl is a FIFO")
                .setup(d -> {
                    Files.delete(d.resolve("state/ledger.jsonl"));
                    mkfifo(d.resolve("state/ledger.jsonl"));
                });
        c(out, "record/ledger-too-large", "record", USAGE, "over the 64MiB limit")
                .setup(d -> {
                    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(d.resolve("state/ledger.jsonl").toFile(), "rw")) {
                        f.setLength((64L << 20) + 1); // sparse: no disk used
                    }
                });
        // An empty value for a key with a default is refused: it would silently mean something else.
        for (String[] cmd : COMMANDS) {
            c(out, cmd[0] + "/state-dir-empty", cmd[0], USAGE, "state-dir '' is empty", java.util.Arrays.copyOfRange(cmd, 1, cmd.length))
                    .yaml("state-dir: \"\"\n");
        }
        c(out, "deploy/namespace-empty", "deploy", USAGE, "namespace '' is empty", "--dry-run").yaml("namespace:\n");
        c(out, "env/backup-dir-empty", "retire", USAGE, "env MIGRATE_BACKUP_DIR: backup-dir '' is empty").env("MIGRATE_BACKUP_DIR", "");
        // Paths in a settings file are relative to the file, not to the working directory.
        c(out, "deploy/collector-config-relative-to-settings-file", "deploy", USAGE, "{d}/proj/my-collector.yaml is a FIFO",
                "--dry-run", "--config", "{d}/proj/migrate.yaml").ownConfig()
                .file("proj/migrate.yaml", "collector-config: my-collector.yaml\n")
                .setup(d -> mkfifo(d.resolve("proj/my-collector.yaml")));
        c(out, "verify/checks-dir-relative-to-settings-file", "verify", USAGE, "checks-dir: {d}/proj/checks/verify.yaml",
                "--config", "{d}/proj/migrate.yaml").ownConfig()
                .file("proj/migrate.yaml", "checks-dir: checks\n").file("proj/checks", "not a directory\n");
        // A ledger summary with ESC, NUL, DEL, 8-bit CSI and a right-to-left override, and a torn last line.
        c(out, "status/ledger-summary-escapes", "status", OK, "unreadable line 2 (torn").warns()
                .file("state/ledger.jsonl", record.replace("\"summary\":\"ok\"", "\"summary\":\"ok\\u001b[2J\\u0000\\u007f\\u009b31m\\u202edeliaf\"")
                        .replace("\"outcome\":\"passed\"", "\"outcome\":\"failed\\u202e\"") + "\n{\"step\":");
        c(out, "soak/interval-one-millisecond", "soak", USAGE, "--interval 1ms is shorter than 1s", "--interval", "1ms");
        c(out, "soak/interval-from-file-not-shorter", "soak", USAGE, "soak-interval (file {cfg}) 2h must be shorter than soak-duration"
                + " (file {cfg}) 1h").yaml("soak-duration: 1h\nsoak-interval: 2h\n");
        // Settings valid alone that contradict each other: refused by every command that loads them, naming both sources.
        c(out, "deploy/spend-warning-above-critical", "deploy", USAGE, "daily-spend-alert-usd (file {cfg}) 30 is above"
                + " daily-spend-critical-usd (default) 25: the critical alert would fire before the warning", "--dry-run")
                .yaml("daily-spend-alert-usd: 30\n");
        c(out, "env/spend-critical-below-warning", "config", USAGE, "daily-spend-alert-usd (default) 10 is above"
                + " daily-spend-critical-usd (env MIGRATE_DAILY_SPEND_CRITICAL_USD) 5")
                .env("MIGRATE_DAILY_SPEND_CRITICAL_USD", "5");
        c(out, "backport/spend-warning-above-critical", "backport", USAGE, "daily-spend-alert-usd (file {cfg}) 12.5 is above"
                + " daily-spend-critical-usd (file {cfg}) 12.25").yaml("daily-spend-alert-usd: 12.5\ndaily-spend-critical-usd: 12.25\n");
        // client-env hands the VIP to every client: checked as deploy's rule checks it.
        c(out, "client-env/vip-outside-the-pool", "client-env", USAGE, "vip (file {cfg}) 10.10.31.22 is outside lb-pool (default)"
                + " 10.10.30.20-10.10.30.99: deploy refuses it", "--machine-name", "laptop").yaml("vip: 10.10.31.22\n");
        c(out, "env/client-env-vip-reserved", "client-env", USAGE, "vip (env MIGRATE_VIP) 10.10.30.21 is one of reserved-ips (default)",
                "--machine-name", "laptop").env("MIGRATE_VIP", "10.10.30.21");
        c(out, "env/soak-interval-one-millisecond", "soak", USAGE, "soak-interval (env MIGRATE_SOAK_INTERVAL) 500ms is shorter than 1s")
                .env("MIGRATE_SOAK_INTERVAL", "500ms");
        // LANG=C: non-ASCII file names cannot be encoded; named with the fix, not an InvalidPathException.
        c(out, "env/lang-c-non-ascii-state-dir", "status", USAGE, "is not a path this system can use")
                .yaml("state-dir: {d}/\u00e9tat\n").env("LC_ALL", "C").env("LANG", "C");
        c(out, "env/lang-c-non-ascii-flag", "deploy", USAGE, "is not a path", "--dry-run", "--collector-config", "{d}/\u00e9.yaml")
                .env("LC_ALL", "C").env("LANG", "C");
        c(out, "verify/ledger-is-a-symlink", "verify", USAGE, "ledger.jsonl is not a regular file; move it away")
                .file("elsewhere.jsonl", record + "\n")
                .setup(d -> {
                    Files.delete(d.resolve("state/ledger.jsonl"));
                    Files.createSymbolicLink(d.resolve("state/ledger.jsonl"), d.resolve("elsewhere.jsonl"));
                });
        c(out, "soak/journal-is-a-symlink", "soak", USAGE,
                "cannot read the soak journal {state}/soak/journal.jsonl (is a symbolic link, not a file migrate wrote)", "--report")
                .file("elsewhere.jsonl", "{\"type\":\"header\",\"version\":1}\n")
                .setup(d -> {
                    Files.createDirectories(d.resolve("state/soak"));
                    Files.createSymbolicLink(d.resolve("state/soak/journal.jsonl"), d.resolve("elsewhere.jsonl"));
                });
        // Alias expansion bounded in every YAML a user gives, not only migrate.yaml (a billion laughs).
        c(out, "deploy/kubeconfig-billion-laughs", "deploy", USAGE, "kubeconfig {d}/k.yaml:3: a YAML alias", "--context", "homelab", "--kubeconfig", "{d}/k.yaml")
                .file("k.yaml", LAUGHS + kubeconfig("http://127.0.0.1:1").replace("apiVersion: v1\n", ""));
        c(out, "deploy/collector-config-billion-laughs", "deploy", USAGE, "laughs.yaml:3: a YAML alias, which migrate's rules cannot follow", "--dry-run", "--collector-config", "{d}/laughs.yaml")
                .file("laughs.yaml", LAUGHS + "receivers: {}\n");
        c(out, "verify/checks-file-alias", "verify", USAGE, "{d}/checks/verify.yaml:7: a YAML alias").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "verify.yaml", "version: 1", "version: 1\nx-defaults: &t 5s\nx-used: *t"));
        c(out, "soak/checks-file-alias", "soak", USAGE, "{d}/checks/soak.yaml:26: a YAML alias", "--report").yaml("checks-dir: {d}/checks\n")
                .setup(d -> checks(d, "soak.yaml", "checks:", "x-laughs: &l [a]\nx-more: [*l, *l]\nchecks:"));
        kubeconfigCredentials(out);
        // The README's example: config takes the flags that change the bundle, and shows them as flags.
        c(out, "config/vip-flag-bad", "config", USAGE, "flag --vip: vip '10.10.30.300'", "--vip", "10.10.30.300");
    }

    /** Kubeconfigs whose names are ambiguous or whose credentials cannot be loaded: named as such, never echoed. */
    private static void kubeconfigCredentials(List<HostileCase> out) {
        String[] k = {"--context", "homelab", "--kubeconfig", "{d}/k.yaml"};
        String cluster = "- name: homelab\n  cluster:\n    server: http://127.0.0.1:1\n";
        String context = "- name: homelab\n  context:\n    cluster: homelab\n    user: admin\n";
        c(out, "deploy/kubeconfig-two-contexts-same-name", "deploy", USAGE, "defines context 'homelab' 2 times", k)
                .file("k.yaml", kube(cluster + "- name: other\n  cluster:\n    server: http://127.0.0.1:2\n",
                        context + "- name: homelab\n  context:\n    cluster: other\n    user: admin\n", user("token: abc")));
        c(out, "deploy/kubeconfig-two-clusters-same-name", "deploy", USAGE, "defines cluster 'homelab' 2 times", k)
                .file("k.yaml", kube(cluster + "- name: homelab\n  cluster:\n    server: http://127.0.0.1:2\n", context, user("token: abc")));
        c(out, "deploy/kubeconfig-two-users-same-name", "deploy", USAGE, "defines user 'admin' 2 times", k)
                .file("k.yaml", kube(cluster, context, user("token: abc") + user("token: def")));
        c(out, "deploy/kubeconfig-user-is-a-string", "deploy", USAGE, "user 'admin' in kubeconfig {d}/k.yaml is not a mapping", k)
                .file("k.yaml", kube(cluster, context, "- name: admin\n  user: \"token=s3cr3t-user-string\"\n"))
                .hides("s3cr3t-user-string");
        c(out, "deploy/kubeconfig-user-is-a-list", "deploy", USAGE, "is not a mapping of credentials", k)
                .file("k.yaml", kube(cluster, context, "- name: admin\n  user: [s3cr3t-in-list]\n")).hides("s3cr3t-in-list");
        c(out, "deploy/kubeconfig-token-crlf", "deploy", USAGE, "its token holds a control or non-ASCII character (at position 4)", k)
                .file("k.yaml", kube(cluster, context, user("token: \"abc\\r\\nX-Injected: 1\""))).hides("X-Injected");
        c(out, "deploy/kubeconfig-token-non-ascii", "deploy", USAGE, "its token holds a control or non-ASCII character (at position 3)", k)
                .file("k.yaml", kube(cluster, context, user("token: ab\u00e9cd")));
        c(out, "deploy/kubeconfig-token-not-text", "deploy", USAGE, "token is a mapping, not text", k)
                .file("k.yaml", kube(cluster, context, user("token: {a: b}")));
        c(out, "deploy/kubeconfig-token-file-missing", "deploy", USAGE, "tokenFile: {d}/no-token does not exist", k)
                .file("k.yaml", kube(cluster, context, user("tokenFile: no-token")));
        c(out, "deploy/kubeconfig-token-file-fifo", "deploy", USAGE, "tok.fifo is a FIFO", k)
                .file("k.yaml", kube(cluster, context, user("tokenFile: tok.fifo"))).setup(d -> mkfifo(d.resolve("tok.fifo")));
        c(out, "deploy/kubeconfig-client-certificate-missing", "deploy", USAGE, "client-certificate: {d}/none.crt does not exist", k)
                .file("k.yaml", kube(cluster, context, user("client-certificate: none.crt\n    client-key: none.key")));
        c(out, "deploy/kubeconfig-client-key-data-garbage", "deploy", USAGE, "client-key-data is not base64", k)
                .file("k.yaml", kube(cluster, context, user("client-certificate-data: " + PEM + "\n    client-key-data: '%%%not base64%%%'")));
        c(out, "deploy/kubeconfig-client-key-data-not-pem", "deploy", USAGE, "client-key-data is base64, but not of a PEM", k)
                .file("k.yaml", kube(cluster, context, user("client-certificate-data: " + PEM + "\n    client-key-data: "
                        + java.util.Base64.getEncoder().encodeToString("garbage".getBytes(StandardCharsets.UTF_8)))));
        c(out, "deploy/kubeconfig-certificate-without-key", "deploy", USAGE, "a client certificate without its key", k)
                .file("k.yaml", kube(cluster, context, user("client-certificate-data: " + PEM)));
        c(out, "deploy/kubeconfig-client-key-data-bad-pem", "deploy", USAGE, "its client certificate or key cannot be loaded", k)
                .file("k.yaml", kube(cluster, context, user("client-certificate-data: " + PEM + "\n    client-key-data: " + PEM)));
        c(out, "deploy/kubeconfig-oidc-incomplete", "deploy", USAGE, "uses auth-provider 'oidc' without an id-token", k)
                .file("k.yaml", kube(cluster, context, user("auth-provider:\n      name: oidc\n      config:\n        client-id: k8s")));
        c(out, "deploy/kubeconfig-gcp-provider", "deploy", USAGE, "uses auth-provider 'gcp', which migrate cannot use", k)
                .file("k.yaml", kube(cluster, context, user("auth-provider:\n      name: gcp")));
        c(out, "deploy/kubeconfig-exec-without-command", "deploy", USAGE, "has an exec plugin without a command", k)
                .file("k.yaml", kube(cluster, context, user("exec:\n      apiVersion: client.authentication.k8s.io/v1\n      args: [x]")));
        c(out, "deploy/kubeconfig-exec-never-exits", "deploy", USAGE, "the exec plugin did not finish", k)
                .yaml("read-timeout: 2s\n")
                .file("k.yaml", kube(cluster, context, user("exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                        + "      command: sleep\n      args: [\"3600\"]\n      interactiveMode: Never")));
        c(out, "deploy/kubeconfig-exec-fails", "deploy", USAGE, "its credentials could not be loaded", k)
                .file("k.yaml", kube(cluster, context, user("exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                        + "      command: false\n      interactiveMode: Never")));
        c(out, "verify/kubeconfig-user-is-a-string", "verify", USAGE, "is not a mapping of credentials", "--context", "homelab",
                "--kubeconfig", "{d}/k.yaml", "--only", "cluster")
                .file("k.yaml", kube(cluster, context, "- name: admin\n  user: \"token=s3cr3t-user-string\"\n")).hides("s3cr3t-user-string");
        // Answers fabric8 does not expect: named as the server's answer, not a crash or a permission problem.
        c(out, "deploy/api-server-json-null", "deploy", FAILED, "with JSON null", "--context", "homelab", "--kubeconfig", "{kube:null}")
                .records("failed");
        // A 429 is asked again for read-timeout (an API server restarting answers it for a while): keep the case short.
        c(out, "deploy/api-server-429", "deploy", FAILED, "HTTP 429 Too Many Requests", "--context", "homelab", "--kubeconfig", "{kube:429}")
                .yaml("read-timeout: 2s\n").records("failed");
    }

    /** Nine levels of nine aliases: 387 million strings once expanded, 1 KiB as text. */
    static final String LAUGHS;

    static {
        StringBuilder b = new StringBuilder("apiVersion: v1\nlol0: &l0 [lol]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("lol").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            b.append("]\n");
        }
        LAUGHS = b.toString();
    }

    /** A self-signed certificate's PEM, base64: data fabric8 can parse as a certificate but not as a key. */
    private static final String PEM = java.util.Base64.getEncoder().encodeToString(("-----BEGIN CERTIFICATE-----\n"
            + "MIIBdzCCAR2gAwIBAgIUJ0dGz0cVnF4mBZ3q0pLZ0o1n3DQwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.UTF_8));

    static String kube(String clusters, String contexts, String users) {
        return "apiVersion: v1\nkind: Config\nclusters:\n" + clusters + "contexts:\n" + contexts + "users:\n" + users;
    }

    static String user(String fields) {
        return "- name: admin\n  user:\n    " + fields + "\n";
    }

    // --- helpers ---

    /**
     * Generated-file directories (the seed's manifest files; edits a person made): `deploy --dry-run --out`
     * and `backport --out` never replace what a person wrote or edited without being told to.
     */
    private static void generatedFilesKeepWhatAPersonWrote(List<HostileCase> out) {
        c(out, "deploy/out-someone-elses-manifests", "deploy", USAGE, "holds manifests migrate did not write (grafana.yaml,"
                + " kustomization.yaml)", "--dry-run", "--out", "{d}/monitoring")
                .file("monitoring/kustomization.yaml", "resources: [grafana.yaml]\n")
                .file("monitoring/grafana.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: grafana}\n");
        c(out, "deploy/out-a-directory-of-manifests", "deploy", USAGE, "holds manifests migrate did not write (base)",
                "--dry-run", "--out", "{d}/monitoring")
                .file("monitoring/base/deployment.yaml", "kind: Deployment\n");
        c(out, "deploy/out-without-dry-run", "deploy", USAGE, "--out writes the manifests as files and applies nothing",
                "--out", "{d}/monitoring", "--kubeconfig", "{kube}", "--context", "homelab");
        c(out, "deploy/force-without-out", "deploy", USAGE, "--force", "--dry-run", "--force");
        c(out, "deploy/out-is-a-file", "deploy", USAGE, "--out {d}/afile is a file, not a directory",
                "--dry-run", "--out", "{d}/afile").file("afile", "x\n");
        c(out, "deploy/out-in-state-dir", "deploy", USAGE, "is inside the state directory", "--dry-run", "--out", "{state}/manifests");
        c(out, "deploy/out-symlink-into-state-dir", "deploy", USAGE, "leads into the state directory",
                "--dry-run", "--out", "{d}/link/manifests")
                .setup(d -> Files.createSymbolicLink(d.resolve("link"), d.resolve("state")));
        c(out, "backport/out-symlink-into-state-dir", "backport", USAGE, "leads into the state directory", "--out", "{d}/link")
                .setup(d -> Files.createSymbolicLink(d.resolve("link"), d.resolve("state")));
        c(out, "backport/out-generated-file-is-a-directory", "backport", USAGE,
                "claude-monitoring/prometheus/prometheus.yml is a directory where migrate writes a file", "--out", "{d}/claude-monitoring")
                .setup(d -> {
                    generate(d, "backport", "--out", d.resolve("claude-monitoring").toString());
                    Path prometheus = d.resolve("claude-monitoring/prometheus/prometheus.yml");
                    Files.delete(prometheus);
                    Files.createDirectories(prometheus.resolve("mine"));
                });
        c(out, "deploy/out-file-edited-by-hand", "deploy", USAGE, "otel-collector-servicemonitor.yaml was changed by hand",
                "--dry-run", "--out", "{d}/monitoring")
                .setup(d -> {
                    generate(d, "deploy", "--dry-run", "--out", d.resolve("monitoring").toString());
                    Path monitor = d.resolve("monitoring/otel-collector-servicemonitor.yaml");
                    Files.writeString(monitor, Files.readString(monitor).replace("interval: 15s", "interval: 30s"));
                });
        c(out, "backport/out-file-edited-by-hand", "backport", USAGE, "prometheus/prometheus.yml was changed by hand",
                "--out", "{d}/claude-monitoring")
                .setup(d -> {
                    generate(d, "backport", "--out", d.resolve("claude-monitoring").toString());
                    Path prometheus = d.resolve("claude-monitoring/prometheus/prometheus.yml");
                    Files.writeString(prometheus, Files.readString(prometheus) + "# scrape my node exporter too\n");
                });
        c(out, "backport/out-two-files-edited-by-hand", "backport", USAGE,
                "grafana/dashboards/claude-code.json, prometheus/rules/claude-code-alerts.yml were changed by hand",
                "--out", "{d}/claude-monitoring")
                .setup(d -> {
                    generate(d, "backport", "--out", d.resolve("claude-monitoring").toString());
                    Files.writeString(d.resolve("claude-monitoring/grafana/dashboards/claude-code.json"), "{}\n");
                    Files.writeString(d.resolve("claude-monitoring/prometheus/rules/claude-code-alerts.yml"), "groups: []\n");
                });
    }

    /** Runs migrate in the case directory before the case (the files an earlier run wrote); fails if it fails. */
    private static void generate(Path d, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--config", d.resolve("migrate.yaml").toString(),
                "--state-dir", d.resolve("state").toString()));
        all.addAll(List.of(args));
        dev.migrate.testsupport.CliRun run = dev.migrate.testsupport.CliRun.of(all.toArray(String[]::new));
        if (run.exitCode() != 0) {
            throw new AssertionError("setup: migrate " + all + " failed: " + run.err());
        }
    }

    /**
     * Data that was lost, untrusted names, Docker deadlines: the one state-directory lock, the
     * restore's path confinement (checked before the engine is contacted), a Docker engine that
     * trickles its answer. Retire's world identity, its empty-archive check, its plan's escaping,
     * hostile volume names and concurrent verify runs need an engine or several processes: they
     * are in RetireWorldTest, HostileEngineTest and VerifyConcurrencyTest.
     */
    private static void hardeningWorldLockPaths(List<HostileCase> out) {
        // a Docker engine that answers one byte at a time: each read is quick, the whole call is not
        c(out, "retire/docker-trickles-version", "retire", FAILED, "GET /version: no", "--docker-host", "{docker:trickle}")
                .yaml("read-timeout: 1s\n");
        c(out, "retire/docker-trickles-version-yes", "retire", FAILED, "GET /version: no", "--yes", "--backup-dir", "{d}",
                "--docker-host", "{docker:trickle}").yaml("read-timeout: 1s\n");
        c(out, "retire/restore-docker-trickles", "retire", FAILED, "GET /version: no", "--restore", "--backup-dir", "{d}/b",
                "--docker-host", "{docker:trickle}").yaml("read-timeout: 1s\n").setup(d -> goodArchive(d.resolve("b")));

        // another step holds the state directory: refused, naming it, nothing written
        String deployed = "{\"step\":\"deploy\",\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:01:00Z\","
                + "\"settingsDigest\":\"sha256:0\",\"outcome\":\"passed\",\"summary\":\"ok\",\"reportPath\":\"\",\"details\":{}}";
        c(out, "backport/out-while-another-step-holds-the-state-dir", "backport", 4,
                "another migrate step holds the state directory {d}/state: migrate retire --yes (pid", "--out", "{d}/stack")
                .setup(d -> holdLock(d.resolve("state")));
        c(out, "record/out-while-another-step-holds-the-state-dir", "record", 4,
                "another migrate step holds the state directory {d}/state: migrate retire --yes (pid", "--out", "{d}/record")
                .file("state/ledger.jsonl", deployed + "\n").setup(d -> holdLock(d.resolve("state")));
        c(out, "backport/lock-file-is-a-directory", "backport", USAGE, "the lock file {d}/state/lock is not a regular file",
                "--out", "{d}/stack").setup(d -> Files.createDirectories(d.resolve("state/lock")));
        c(out, "backport/lock-file-is-a-symlink", "backport", USAGE, "the lock file {d}/state/lock is not a regular file",
                "--out", "{d}/stack").file("elsewhere", "x\n")
                .setup(d -> Files.createSymbolicLink(d.resolve("state/lock"), d.resolve("elsewhere")));
        c(out, "backport/lock-file-is-a-fifo", "backport", USAGE, "the lock file {d}/state/lock is not a regular file",
                "--out", "{d}/stack").setup(d -> mkfifo(d.resolve("state/lock")));

        // a manifest names its archive outside --backup-dir: refused before the engine is contacted
        String[][] outside = {
                {"dotdot", "../../loot.tar.gz", "'..' path segment"},
                {"absolute", "/etc/passwd", "it is an absolute path"},
                {"empty", "", "it is empty"},
                {"inner-dotdot", "sub/../../loot.tar.gz", "'..' path segment"},
                {"control-character", "a\u001b]0;x\u0007.tar.gz", "it holds a control character"},
                {"backslash-dotdot", "..\\..\\loot.tar.gz", "'..' path segment"},
        };
        for (String[] o : outside) {
            c(out, "retire/restore-manifest-archive-" + o[0], "retire", 4, o[2], "--restore", "--backup-dir", "{d}/b",
                    "--docker-host", "{docker:never}").setup(d -> manifest(d.resolve("b"), o[1]))
                    .file("loot.tar.gz", "loot\n");
        }
        c(out, "retire/restore-manifest-archive-is-a-link-out", "retire", 4, "leads out of {d}/b through a symbolic link", "--restore",
                "--backup-dir", "{d}/b", "--docker-host", "{docker:never}").file("loot.tar.gz", "loot\n")
                .setup(d -> {
                    manifest(d.resolve("b"), "link.tar.gz");
                    Files.createSymbolicLink(d.resolve("b/link.tar.gz"), d.resolve("loot.tar.gz"));
                });
        c(out, "retire/restore-manifest-archive-under-a-linked-dir", "retire", 4, "leads out of {d}/b through a symbolic link", "--restore",
                "--backup-dir", "{d}/b", "--docker-host", "{docker:never}").file("outside/loot.tar.gz", "loot\n")
                .setup(d -> {
                    manifest(d.resolve("b"), "sub/loot.tar.gz");
                    Files.createSymbolicLink(d.resolve("b/sub"), d.resolve("outside"));
                });
    }

    /** A retire manifest in {@code dir} for volume claude-monitoring_grafana naming {@code archive}. */
    static void manifest(Path dir, String archive) throws Exception {
        manifest(dir, archive, "0".repeat(64), 5, 1, 5);
    }

    static void manifest(Path dir, String archive, String sha, long bytes, long files, long contentBytes) throws Exception {
        Files.createDirectories(dir);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("volume", "claude-monitoring_grafana");
        m.put("project", "claude-monitoring");
        m.put("labels", java.util.Map.of());
        m.put("sizeBytes", 5);
        m.put("archive", archive);
        m.put("archiveSha256", sha);
        m.put("archiveBytes", bytes);
        m.put("files", files);
        m.put("contentBytes", contentBytes);
        m.put("helperImage", "busybox");
        m.put("createdAt", "2026-01-01T00:00:00Z");
        Files.write(dir.resolve("claude-monitoring_grafana.manifest.json"), dev.migrate.Json.MAPPER.writeValueAsBytes(m));
    }

    /** A valid archive of one file and its manifest in {@code dir}, as retire writes them. */
    static void goodArchive(Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolveSibling("src/volume"));
        Files.writeString(src.resolve("f"), "data\n");
        Files.createDirectories(dir);
        Path archive = dir.resolve("claude-monitoring_grafana.tar.gz");
        Process tar = new ProcessBuilder("tar", "-C", src.getParent().toString(), "-czf", archive.toString(), "volume").start();
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("tar failed");
        }
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(archive)));
        dev.migrate.retire.TarContent c = dev.migrate.retire.VolumeArchiver.check(archive, sha, true);
        manifest(dir, archive.getFileName().toString(), sha, Files.size(archive), c.files(), c.contentBytes());
    }

    /**
     * Takes the state directory's lock as a running `retire --yes` would, and keeps it for the rest
     * of this JVM (the case's directory is its own, so nothing else ever asks for it).
     */
    static void holdLock(Path stateDir) {
        dev.migrate.io.StateLock.acquire(stateDir, "migrate retire --yes");
    }

    static String kubeconfig(String server) {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: homelab\n  cluster:\n    server: \"" + server + "\"\n"
                + "contexts:\n- name: homelab\n  context:\n    cluster: homelab\n    user: admin\n"
                + "users:\n- name: admin\n  user:\n    token: not-a-real-token\n";
    }

    /** Copies the built-in checks/ folder to {d}/checks with one replacement in {@code file}. */
    static void checks(Path d, String file, String from, String to) throws Exception {
        Path dir = Files.createDirectories(d.resolve("checks"));
        for (String f : new String[] {"verify.yaml", "soak.yaml"}) {
            String text = Files.readString(Path.of("checks", f));
            if (f.equals(file)) {
                if (!text.contains(from)) {
                    throw new AssertionError("checks/" + f + " no longer contains '" + from + "': update the corpus case");
                }
                text = text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
            }
            Files.writeString(dir.resolve(f), text);
        }
    }

    static void replaceWithDirectory(Path p) throws Exception {
        Files.deleteIfExists(p);
        Files.createDirectory(p);
    }

    static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (mk.waitFor() != 0) {
            throw new AssertionError("mkfifo failed for " + p);
        }
    }

    /** Text and single bytes (ints) concatenated, for files that must hold invalid UTF-8. */
    static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(part.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    static byte[] concatBytes(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
