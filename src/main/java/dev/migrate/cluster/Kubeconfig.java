package dev.migrate.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.io.UserFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A kubeconfig file read explicitly, with the context chosen by name. The file's current-context is
 * never consulted: on the operator's machine plain kubectl may point at a work cluster, and the
 * homelab has a kubeconfig of its own (e.g. ~/.kube/homelab.yaml).
 *
 * @param path      the file
 * @param text      its content, handed to fabric8 as is
 * @param context   the context named by --context or migrate.yaml
 * @param serverUrl the server of that context's cluster, for the plan and for error messages
 * @param exec      the command of the user's exec plugin, or "" when it has none
 */
public record Kubeconfig(Path path, String text, String context, String serverUrl, String exec) {

    /**
     * The kubeconfig and context the settings name; an error also says where the kubeconfig path
     * came from when that was not a flag (MIGRATE_KUBECONFIG, migrate.yaml or the default).
     */
    public static Kubeconfig load(dev.migrate.settings.Settings settings) {
        try {
            return load(settings.kubeconfig().orElse(null), settings.context().orElse(""));
        } catch (UserError e) {
            var from = settings.provenance(dev.migrate.settings.SettingKeys.KUBECONFIG);
            if (from.source() == dev.migrate.settings.Source.FLAG || !e.getMessage().contains("kubeconfig")) {
                throw e;
            }
            throw new UserError(e.exitCode(), e.getMessage() + " (the kubeconfig path is from " + from.describe() + ")", e);
        }
    }

    /** Reads {@code path} and resolves {@code context}; every problem is a one-line {@link UserError}. */
    public static Kubeconfig load(Path path, String context) {
        if (context == null || context.isBlank()) {
            throw new UserError("no kubeconfig context named: pass --context NAME or set context: in migrate.yaml"
                    + contextsHint(path) + " (the current-context is never used, so a work cluster is never hit by accident)");
        }
        String text = read(path);
        Map<String, Object> tree = parse(path, text);
        List<String> names = names(tree, "contexts");
        unique(path, tree, "contexts", "context", context);
        Object ctx = Trees.list(tree, "contexts").stream().filter(c -> context.equals(Trees.text(c, "name")))
                .findFirst().orElseThrow(() -> new UserError("context '" + context + "' is not in kubeconfig " + path
                        + "; contexts available: " + (names.isEmpty() ? "(none)" : String.join(", ", names))
                        + "; pass one of them with --context"));
        String clusterName = Trees.text(ctx, "context", "cluster");
        unique(path, tree, "clusters", "cluster", clusterName);
        Object cluster = Trees.list(tree, "clusters").stream().filter(c -> clusterName.equals(Trees.text(c, "name")))
                .findFirst().orElseThrow(() -> new UserError("context '" + context + "' in kubeconfig " + path
                        + " refers to cluster '" + clusterName + "', which the file does not define; fix the kubeconfig"));
        // fabric8 would otherwise send the requests with no credentials at all, and the server's answer
        // (401, or 403 for system:anonymous) would not say that the kubeconfig is the problem.
        String userName = Trees.text(ctx, "context", "user");
        String exec = "";
        if (!userName.isEmpty()) {
            unique(path, tree, "users", "user", userName);
            Object user = Trees.list(tree, "users").stream().filter(u -> userName.equals(Trees.text(u, "name"))).findFirst()
                    .orElseThrow(() -> new UserError("context '" + context + "' in kubeconfig " + path + " refers to user '"
                            + userName + "', which the file does not define; fix the kubeconfig"));
            KubeCredentials.check(path, userName, Trees.at(user, "user"));
            exec = Trees.text(user, "user", "exec", "command");
        }
        String server = Trees.text(cluster, "cluster", "server");
        if (server.isEmpty()) {
            throw new UserError("cluster '" + clusterName + "' in kubeconfig " + path + " has no server URL; fix the kubeconfig");
        }
        if (!isServerUrl(server)) {
            throw new UserError("cluster '" + clusterName + "' in kubeconfig " + path + " has server '" + server
                    + "', which is not an http(s) URL such as https://10.10.30.10:6443; fix the kubeconfig");
        }
        return new Kubeconfig(path, text, context, server, exec);
    }

    /**
     * Two entries with one name are ambiguous: this class would read the first while fabric8 uses
     * another, so the plan would name one server and the requests go to a different one.
     */
    private static void unique(Path path, Map<String, Object> tree, String field, String what, String name) {
        long count = Trees.list(tree, field).stream().filter(e -> name.equals(Trees.text(e, "name"))).count();
        if (count > 1) {
            throw new UserError("kubeconfig " + path + " defines " + what + " '" + name + "' " + count + " times; which one"
                    + " is meant is ambiguous, so migrate does not guess: rename or remove the duplicates");
        }
    }

    /**
     * fabric8's configuration of this context, within {@code bound}: loading it runs the user's exec
     * plugin, if any, and a plugin that never exits (waiting for a browser login, a hung helper)
     * would otherwise hang the command. On timeout the plugin's process is killed.
     */
    public io.fabric8.kubernetes.client.Config fabric8Config(java.time.Duration bound) {
        java.util.Set<Long> before = new java.util.HashSet<>();
        ProcessHandle.current().descendants().forEach(p -> before.add(p.pid()));
        java.util.concurrent.FutureTask<io.fabric8.kubernetes.client.Config> load = new java.util.concurrent.FutureTask<>(
                () -> io.fabric8.kubernetes.client.Config.fromKubeconfig(context, text, path.toString()));
        Thread t = new Thread(load, "kubeconfig-load");
        t.setDaemon(true);
        t.start();
        try {
            io.fabric8.kubernetes.client.Config config = load.get(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            dev.migrate.io.Secrets.register(config.getOauthToken()); // an exec plugin's token is known only now
            dev.migrate.io.Secrets.register(config.getAutoOAuthToken());
            dev.migrate.io.Secrets.register(config.getPassword());
            if (!exec.isEmpty() && config.getOauthToken() == null && config.getAutoOAuthToken() == null
                    && config.getClientCertData() == null && config.getClientCertFile() == null) {
                // fabric8 goes on without credentials, and the server's 401 would blame them as expired.
                throw new UserError("kubeconfig " + path + ", context '" + context + "': its credentials could not be loaded:"
                        + " the exec plugin '" + exec + "' gave none (it failed or printed no ExecCredential); run it by hand"
                        + " to see why");
            }
            return config;
        } catch (java.util.concurrent.TimeoutException e) {
            ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid())).forEach(ProcessHandle::destroyForcibly);
            load.cancel(true);
            throw new UserError("kubeconfig " + path + ", context '" + context + "': its credentials could not be loaded"
                    + " within " + bound.toSeconds() + " s (setting read-timeout): the exec plugin did not finish; run it by hand"
                    + " ('" + exec + "'; it may wait for a login) or raise read-timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            load.cancel(true);
            throw new UserError(dev.migrate.ExitCodes.INTERRUPTED, "interrupted while loading the kubeconfig's credentials");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserError("kubeconfig " + path + ", context '" + context + "': its credentials could not be loaded ("
                    + reason(e.getCause()) + "); fix the kubeconfig's user entry");
        }
    }

    /** The deepest message of a failure, without exception class names or secrets' values. */
    static String reason(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank() && !t.getMessage().equals("An error has occurred.")) {
                message = t.getMessage();
            }
        }
        return message == null ? "no detail given" : dev.migrate.io.Printable.oneLine(message.lines().findFirst().orElse(""));
    }

    private static boolean isServerUrl(String server) {
        try {
            java.net.URI uri = new java.net.URI(server);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String contextsHint(Path path) {
        try {
            List<String> names = names(parse(path, read(path)), "contexts");
            return names.isEmpty() ? "" : " (contexts in " + path + ": " + String.join(", ", names) + ")";
        } catch (UserError unreadable) {
            return "";
        }
    }

    private static String read(Path path) {
        if (path == null) {
            throw new UserError("no kubeconfig given: pass --kubeconfig FILE or set kubeconfig: in migrate.yaml");
        }
        if (!Files.exists(path)) {
            throw new UserError("kubeconfig " + path + " does not exist; pass --kubeconfig FILE"
                    + " with the homelab's kubeconfig (e.g. ~/.kube/homelab.yaml)");
        }
        return UserFiles.read(path, "kubeconfig", UserFiles.TEXT_CAP);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path path, String text) {
        try {
            Object tree = Json.YAML.readValue(text, Object.class);
            java.util.OptionalInt alias = Json.yamlAliasLine(text);
            if (alias.isPresent()) {
                throw new UserError("kubeconfig " + path + ":" + alias.getAsInt() + ": a YAML alias, which migrate reads"
                        + " differently from kubectl; write the aliased value out at each place it is used");
            }
            if (tree instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        } catch (JsonProcessingException e) {
            // fall through: the message names the file, never its content (it holds credentials)
        }
        throw new UserError("kubeconfig " + path + " is not a kubeconfig (not a YAML mapping); pass the right --kubeconfig");
    }

    private static List<String> names(Map<String, Object> tree, String field) {
        List<String> out = new ArrayList<>();
        for (Object entry : Trees.list(tree, field)) {
            out.add(Trees.text(entry, "name"));
        }
        return out;
    }
}
