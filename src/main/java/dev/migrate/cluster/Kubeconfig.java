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
 */
public record Kubeconfig(Path path, String text, String context, String serverUrl) {

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
        Object ctx = Trees.list(tree, "contexts").stream().filter(c -> context.equals(Trees.text(c, "name")))
                .findFirst().orElseThrow(() -> new UserError("context '" + context + "' is not in kubeconfig " + path
                        + "; contexts available: " + (names.isEmpty() ? "(none)" : String.join(", ", names))
                        + "; pass one of them with --context"));
        String clusterName = Trees.text(ctx, "context", "cluster");
        Object cluster = Trees.list(tree, "clusters").stream().filter(c -> clusterName.equals(Trees.text(c, "name")))
                .findFirst().orElseThrow(() -> new UserError("context '" + context + "' in kubeconfig " + path
                        + " refers to cluster '" + clusterName + "', which the file does not define; fix the kubeconfig"));
        // fabric8 would otherwise send the requests with no credentials at all, and the server's answer
        // (401, or 403 for system:anonymous) would not say that the kubeconfig is the problem.
        String userName = Trees.text(ctx, "context", "user");
        if (!userName.isEmpty() && Trees.list(tree, "users").stream().noneMatch(u -> userName.equals(Trees.text(u, "name")))) {
            throw new UserError("context '" + context + "' in kubeconfig " + path + " refers to user '" + userName
                    + "', which the file does not define; fix the kubeconfig");
        }
        String server = Trees.text(cluster, "cluster", "server");
        if (server.isEmpty()) {
            throw new UserError("cluster '" + clusterName + "' in kubeconfig " + path + " has no server URL; fix the kubeconfig");
        }
        if (!isServerUrl(server)) {
            throw new UserError("cluster '" + clusterName + "' in kubeconfig " + path + " has server '" + server
                    + "', which is not an http(s) URL such as https://10.10.30.10:6443; fix the kubeconfig");
        }
        return new Kubeconfig(path, text, context, server);
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
