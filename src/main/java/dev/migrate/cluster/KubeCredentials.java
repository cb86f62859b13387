package dev.migrate.cluster;

import dev.migrate.UserError;
import dev.migrate.io.UserFiles;
import dev.migrate.settings.Values;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The credentials of the kubeconfig user a context names, checked before fabric8 sees them: each
 * way they can fail to load (a user entry that is not a mapping, a token that cannot go into a
 * header, a certificate file that is missing, key data that is not base64 PEM, an auth-provider
 * without what it needs) is a one-line error naming the kubeconfig, the user and the field, never
 * its value. Without this, fabric8 says "An error has occurred." or a NullPointerException that
 * migrate would report as an unreachable server.
 */
final class KubeCredentials {
    /** The auth-provider fabric8 implements; gcp and azure were removed from kubectl itself. */
    private static final Set<String> PROVIDERS = Set.of("oidc");

    private KubeCredentials() {
    }

    /**
     * @param kubeconfig the file (relative certificate and token paths are relative to its directory)
     * @param userName   the user the context names
     * @param user       its {@code user:} value
     */
    static void check(Path kubeconfig, String userName, Object user) {
        String who = "user '" + userName + "' in kubeconfig " + kubeconfig;
        if (user == null) {
            return; // no credentials at all: the server's 401/403 says so, with the fix (Fabric8Cluster)
        }
        if (!(user instanceof Map<?, ?> fields)) {
            throw new UserError(who + " is not a mapping of credentials (token, client-certificate-data, exec, ...)"
                    + " but " + kind(user) + "; fix the kubeconfig (its value is not shown: it may be a secret)");
        }
        headerSafe(who, "token", fields.get("token"));
        headerSafe(who, "username", fields.get("username"));
        headerSafe(who, "password", fields.get("password"));
        Path dir = kubeconfig.toAbsolutePath().getParent();
        if (fields.get("tokenFile") != null) {
            String token = UserFiles.read(file(dir, fields.get("tokenFile")), who + ", tokenFile", UserFiles.SECRET_CAP).strip();
            headerSafe(who, "tokenFile's token", token);
        }
        for (String field : List.of("client-certificate", "client-key", "certificate-authority")) {
            if (fields.get(field) != null) {
                UserFiles.read(file(dir, fields.get(field)), who + ", " + field, UserFiles.SECRET_CAP);
            }
        }
        pem(who, "client-certificate-data", fields.get("client-certificate-data"));
        pem(who, "client-key-data", fields.get("client-key-data"));
        if ((fields.get("client-certificate-data") != null || fields.get("client-certificate") != null)
                != (fields.get("client-key-data") != null || fields.get("client-key") != null)) {
            throw new UserError(who + " has a client certificate without its key, or a key without its certificate;"
                    + " give both (client-certificate-data and client-key-data) or neither");
        }
        if (fields.get("auth-provider") != null) {
            authProvider(who, fields.get("auth-provider"));
        }
        if (fields.get("exec") != null) {
            Object command = Trees.at(fields.get("exec"), "command");
            if (command == null || String.valueOf(command).isBlank()) {
                throw new UserError(who + " has an exec plugin without a command; fix the kubeconfig");
            }
        }
    }

    private static void headerSafe(String who, String field, Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof String text)) {
            throw new UserError(who + ": " + field + " is " + kind(value) + ", not text; fix the kubeconfig");
        }
        if (!field.equals("username")) {
            dev.migrate.io.Secrets.register(text);
        }
        int bad = Values.firstNonAscii(text);
        if (bad >= 0) {
            throw new UserError(who + ": its " + field + " holds a control or non-ASCII character (at position "
                    + (bad + 1) + "), which an HTTP header cannot carry; copy the credential again (a stray"
                    + " line break or a pasted quote)");
        }
    }

    private static void pem(String who, String field, Object value) {
        if (value == null) {
            return;
        }
        byte[] decoded;
        try {
            decoded = Base64.getMimeDecoder().decode(String.valueOf(value).strip());
        } catch (IllegalArgumentException e) {
            throw new UserError(who + ": " + field + " is not base64; it must be the base64 of a PEM file"
                    + " (base64 -w0 < client.key); fix the kubeconfig");
        }
        if (!new String(decoded, StandardCharsets.US_ASCII).contains("-----BEGIN ")) {
            throw new UserError(who + ": " + field + " is base64, but not of a PEM certificate or key (no -----BEGIN"
                    + " line); fix the kubeconfig");
        }
    }

    private static void authProvider(String who, Object provider) {
        String name = Trees.text(provider, "name");
        if (!PROVIDERS.contains(name)) {
            throw new UserError(who + " uses auth-provider '" + name + "', which migrate cannot use; switch the user to an"
                    + " exec plugin (e.g. kubelogin) or a token");
        }
        Object config = Trees.at(provider, "config");
        boolean idToken = !Trees.text(config, "id-token").isBlank();
        boolean refresh = !Trees.text(config, "refresh-token").isBlank() && !Trees.text(config, "idp-issuer-url").isBlank()
                && !Trees.text(config, "client-id").isBlank();
        if (!idToken && !refresh) {
            throw new UserError(who + " uses auth-provider 'oidc' without an id-token, or without the refresh-token,"
                    + " idp-issuer-url and client-id to get one; log in again (kubectl oidc-login) or fix the kubeconfig");
        }
        headerSafe(who, "oidc id-token", Trees.at(config, "id-token"));
    }

    private static Path file(Path dir, Object value) {
        Path p;
        try {
            p = Path.of(String.valueOf(value));
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError("kubeconfig: '" + value + "' is not a path (" + e.getReason() + "); fix the kubeconfig");
        }
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private static String kind(Object value) {
        return value instanceof List<?> ? "a list" : value instanceof Map<?, ?> ? "a mapping" : "a single value";
    }
}
