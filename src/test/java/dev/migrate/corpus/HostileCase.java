package dev.migrate.corpus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hostile input: the command line, what the case directory holds before it runs, and what
 * the operator must see. Built fluently in {@link HostileInputs}; run by {@link HostileInputCorpusTest}.
 *
 * <p>Tokens in arguments, file contents and environment values: {@code {d}} is the case directory,
 * {@code {cfg}} its settings file, {@code {state}} its state directory, {@code {kube}} a kubeconfig
 * for a closed port, {@code {kube:FAULT}} one for an API server double answering FAULT,
 * {@code {docker:FAULT}} a Docker socket double, {@code {http:FAULT}} an HTTP double
 * (FAULT: html, 500, never, huge).
 */
final class HostileCase {
    /** Something to create in the case directory before the run. */
    interface Setup {
        void apply(Path dir) throws Exception;
    }

    final String id;
    final String command;
    final int exitCode;
    final String names;
    final List<String> args = new ArrayList<>();
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<Setup> setups = new ArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();
    String settings = "";
    boolean ownConfig;
    boolean ownStateDir;
    boolean subprocess;
    boolean warning;
    String recorded;
    final List<String> hidden = new ArrayList<>();

    HostileCase(String id, String command, int exitCode, String names, String... args) {
        this.id = id;
        this.command = command;
        this.exitCode = exitCode;
        this.names = names;
        this.args.addAll(List.of(args));
    }

    /** The settings file's content. */
    HostileCase yaml(String text) {
        this.settings = text;
        return this;
    }

    HostileCase file(String name, String text) {
        files.put(name, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    HostileCase bytes(String name, byte[] content) {
        files.put(name, content);
        return this;
    }

    HostileCase setup(Setup s) {
        setups.add(s);
        return this;
    }

    /** Run in a fresh JVM, in the case directory, with these variables added (no --config unless given). */
    HostileCase env(String name, String value) {
        env.put(name, value);
        subprocess = true;
        return this;
    }

    /** Run in a fresh JVM whose working directory is the case directory (for ./migrate.yaml). */
    HostileCase inCaseDir() {
        subprocess = true;
        return this;
    }

    /** The arguments give --config themselves (or none). */
    HostileCase ownConfig() {
        ownConfig = true;
        return this;
    }

    /** The arguments give --state-dir themselves. */
    HostileCase ownStateDir() {
        ownStateDir = true;
        return this;
    }

    /**
     * The step reached the cluster or engine, which failed: the only change allowed is one ledger
     * record of the run with this outcome, appended after the existing lines.
     */
    HostileCase records(String outcome) {
        recorded = outcome;
        return this;
    }

    /** A clean run with a one-line warning on stderr instead of an error. */
    HostileCase warns() {
        warning = true;
        return this;
    }

    /** A secret the case holds: it must appear nowhere in the output or in any file the run wrote. */
    HostileCase hides(String secret) {
        hidden.add(secret);
        return this;
    }

    @Override
    public String toString() {
        return id;
    }
}
