package dev.migrate.io;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one secret redaction: every credential migrate loads (a bearer token, a basic-auth password
 * and its base64 form, a kubeconfig's token) is registered here when it is read, and every place
 * text leaves the process (error messages in {@link dev.migrate.UserError}, the ledger and journals
 * in {@link JsonlLog}, reports in the state directory and at --junit/--report paths, text from a
 * server's answer) passes through {@link #redact}. A server that echoes the token back in a 401
 * body therefore cannot get it printed or stored, wherever that body ends up.
 */
public final class Secrets {
    /** Shorter values are not registered: redacting them would garble ordinary words. */
    static final int MIN_LENGTH = 4;
    public static final String MASK = "[redacted]";

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    /** Remembers {@code secret} (and nothing shorter than {@value #MIN_LENGTH} characters) for this process. */
    public static void register(String secret) {
        if (secret != null && secret.strip().length() >= MIN_LENGTH) {
            KNOWN.add(secret.strip());
        }
    }

    /** {@code text} with every registered secret replaced by {@value #MASK}, longest first. */
    public static String redact(String text) {
        if (text == null || KNOWN.isEmpty()) {
            return text;
        }
        String out = text;
        List<String> longestFirst = KNOWN.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String secret : longestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        return out;
    }
}
