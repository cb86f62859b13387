package dev.migrate.endpoints;

import dev.migrate.UserError;
import dev.migrate.io.Secrets;
import dev.migrate.io.UserFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials for one HTTP endpoint. Read only from files or environment variables (a flag value
 * would show in `ps`); {@link #toString()} never shows the secret.
 */
public final class Auth {
    private static final Auth NONE = new Auth("none", null);

    private final String kind;
    private final String header;

    private Auth(String kind, String header) {
        this.kind = kind;
        this.header = header;
    }

    public static Auth none() {
        return NONE;
    }

    public static Auth bearer(String token) {
        Secrets.register(token);
        return new Auth("bearer", "Bearer " + token);
    }

    public static Auth basic(String user, String password) {
        String pair = user + ":" + password;
        String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        Secrets.register(password);
        Secrets.register(encoded);
        return new Auth("basic", "Basic " + encoded);
    }

    /** The Authorization header value, if any. */
    Optional<String> header() {
        return Optional.ofNullable(header);
    }

    /** "none", "bearer" or "basic": safe to print. */
    public String kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "Auth[" + kind + "]";
    }

    /**
     * Resolves the credentials of one endpoint. Sources, each optional, at most one may be used:
     * a token file, a basic-auth file ({@code user:password} on one line), or the environment
     * variables {@code MIGRATE_<NAME>_TOKEN} / {@code MIGRATE_<NAME>_BASIC_AUTH}.
     *
     * @param name      the endpoint's short name, e.g. "prometheus" (used for flag and env names in errors)
     * @param tokenFile --NAME-token-file
     * @param basicFile --NAME-basic-auth-file
     * @param env       the environment
     */
    public static Auth resolve(String name, Path tokenFile, Path basicFile, Map<String, String> env) {
        String upper = name.toUpperCase(Locale.ROOT);
        String tokenEnv = "MIGRATE_" + upper + "_TOKEN";
        String basicEnv = "MIGRATE_" + upper + "_BASIC_AUTH";
        String token = tokenFile != null ? readSecret("--" + name + "-token-file", tokenFile)
                : checkedSecret("env " + tokenEnv, blankToNull(env.get(tokenEnv)));
        String basic = basicFile != null ? readSecret("--" + name + "-basic-auth-file", basicFile)
                : checkedSecret("env " + basicEnv, blankToNull(env.get(basicEnv)));
        if (token != null && basic != null) {
            throw new UserError(name + ": both a bearer token and basic auth are set (--" + name + "-token-file/" + tokenEnv
                    + " and --" + name + "-basic-auth-file/" + basicEnv + "); keep only one");
        }
        if (token != null) {
            return bearer(token);
        }
        if (basic != null) {
            int colon = basic.indexOf(':');
            if (colon <= 0) {
                String from = basicFile != null ? "--" + name + "-basic-auth-file " + basicFile : basicEnv;
                throw new UserError(from + ": expected 'user:password' on one line");
            }
            return basic(basic.substring(0, colon), basic.substring(colon + 1));
        }
        return none();
    }

    private static String readSecret(String flag, Path file) {
        String text = UserFiles.read(file, flag, UserFiles.SECRET_CAP).strip();
        if (text.isEmpty()) {
            throw new UserError(flag + " " + file + " is empty; put the secret in it");
        }
        if (text.contains("\n")) {
            throw new UserError(flag + " " + file + " has more than one line; keep only the secret");
        }
        return checkedSecret(flag + " " + file, text);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * A secret that goes into an HTTP header: a CR, LF or other control character would split the
     * header (or be refused by OkHttp with a stack trace), so it is refused here, before any request,
     * naming where it came from but never the secret.
     */
    static String checkedSecret(String from, String secret) {
        if (secret == null) {
            return null;
        }
        int bad = dev.migrate.settings.Values.firstControl(secret);
        if (bad >= 0 || secret.chars().anyMatch(c -> c > 0x7e)) {
            throw new UserError(from + ": the secret holds a control or non-ASCII character (at position " + (bad >= 0 ? bad + 1
                    : secret.chars().takeWhile(c -> c <= 0x7e).count() + 1) + "); an HTTP header cannot carry it; keep only"
                    + " the token (or user:password) on one line");
        }
        return secret;
    }
}
