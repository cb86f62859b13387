package dev.migrate.soak.incluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.checks.VerifyChecks;
import dev.migrate.cluster.Kubeconfig;
import dev.migrate.data.DataFiles;
import dev.migrate.settings.Settings;
import dev.migrate.soak.AnalysisCatalogue;
import dev.migrate.soak.CycleRecord;
import dev.migrate.soak.EndRecord;
import dev.migrate.soak.JournalHeader;
import dev.migrate.soak.Progress;
import dev.migrate.soak.SoakClock;
import dev.migrate.soak.SoakReports;
import dev.migrate.soak.SoakSession;
import dev.migrate.soak.SoakState;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * `migrate soak --in-cluster [--apply]` and `migrate soak --attach`. Rendering and applying are one
 * code path (the dry run just does not write). Attach reads the Job pod's log, which holds the whole
 * journal (the in-cluster soak replays it on every start), keeps a local copy, shows progress, and
 * puts the verdict into this machine's ledger so retire can trust it.
 */
public final class InCluster {
    public static final String LOCAL_COPY = "cluster-journal.jsonl";

    /** Opens the cluster the operator named. */
    public interface Connector {
        SoakCluster connect(Settings settings);
    }

    /** fabric8 on the kubeconfig and the context the operator named (validated by the shared {@link Kubeconfig}). */
    public static final Connector FABRIC8 = settings -> {
        Kubeconfig kc = Kubeconfig.load(settings.kubeconfig().orElse(null), settings.context().orElse(""));
        Config config = Config.fromKubeconfig(kc.context(), kc.text(), kc.path().toString());
        return new Fabric8SoakCluster(new KubernetesClientBuilder().withConfig(config).build(), true);
    };

    private InCluster() {
    }

    public static int render(Settings settings, boolean apply, Connector connector, PrintWriter out) {
        boolean noImage = settings.soakImage().isEmpty();
        if (apply && noImage) {
            throw new UserError("--apply needs the setting soak-image, the image of this tool the Job runs (there is no"
                    + " published one): build it with 'mvn -Psoak-image package jib:build -Dsoak.image=REGISTRY/migrate:VERSION'"
                    + " (RUNBOOK, \"Building the soak image\") and set soak-image: REGISTRY/migrate:VERSION in migrate.yaml");
        }
        Map<String, String> checkFiles = new LinkedHashMap<>();
        if (settings.checksDir().isPresent()) {
            Path dir = settings.checksDir().get();
            checkFiles.put(AnalysisCatalogue.FILE, DataFiles.read(Optional.of(dir.resolve(AnalysisCatalogue.FILE)),
                    "checks/" + AnalysisCatalogue.FILE, "checks-dir").text());
            if (Files.isRegularFile(dir.resolve(VerifyChecks.FILE))) { // the round trip runs verify's check
                checkFiles.put(VerifyChecks.FILE, DataFiles.read(Optional.of(dir.resolve(VerifyChecks.FILE)),
                        "checks/" + VerifyChecks.FILE, "checks-dir").text());
            }
        }
        List<ManifestObject> objects = SoakJob.render(settings, checkFiles);
        for (ManifestObject o : objects) {
            try {
                out.print("---\n" + Json.YAML.writeValueAsString(o.body()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (noImage) {
            out.println("# the Job has no image: set soak-image in migrate.yaml to an image of this tool built with"
                    + " -Psoak-image (RUNBOOK, \"Building the soak image\"); --apply refuses until it is set");
        }
        if (!apply) {
            out.println("# nothing applied: add --apply to create these in namespace " + settings.namespace()
                    + " (context " + settings.context().orElse("<set --context>") + ")");
            return ExitCodes.OK;
        }
        try (SoakCluster cluster = connector.connect(settings)) {
            // Server-side apply: a second --apply with the same settings writes nothing; a Job whose
            // settings changed is refused by the server (its pod template is immutable) and said so.
            int changed = 0;
            for (ManifestObject o : objects) {
                // The PVC may hold a journal to resume: never touch it once it exists.
                if (o.kind().equals("PersistentVolumeClaim") && cluster.exists(o)) {
                    out.println("kept " + o.id() + " (holds the journal; the soak resumes from it)");
                    continue;
                }
                String action = cluster.apply(o);
                changed += action.equals("unchanged") ? 0 : 1;
                out.println(o.id() + " " + action);
            }
            if (changed == 0) {
                out.println("nothing changed: the soak is already applied with these settings");
            }
        }
        out.println("follow it with: migrate soak --attach --context " + settings.context().orElse(""));
        return ExitCodes.OK;
    }

    public static int attach(Settings settings, SoakSession session, AnalysisCatalogue catalogue, Connector connector,
                             SoakClock clock, PrintWriter out, Consumer<String> warn) {
        String ns = settings.namespace();
        Path copy = session.dir().resolve(LOCAL_COPY);
        try (SoakCluster cluster = connector.connect(settings)) {
            for (int attempt = 1; ; attempt++) {
                String pod = cluster.podOfJob(ns, SoakJob.NAME).orElseThrow(() -> new UserError(ExitCodes.FAILED,
                        "no pod of Job " + ns + "/" + SoakJob.NAME + " yet; start it with 'migrate soak --in-cluster --apply'"));
                out.println("attached to pod " + ns + "/" + pod);
                Follower f = new Follower(catalogue, copy, Progress.forConsole(out, Duration.ofMinutes(10)), warn);
                cluster.followLog(ns, pod, f::line);
                f.progress.done();
                if (f.state.end() != null) {
                    return finish(settings, session, f, copy, out, warn);
                }
                if (attempt >= 3) {
                    throw new UserError(ExitCodes.INCONCLUSIVE, "the soak pod's log ended without a verdict " + attempt
                            + " times (pod restarting?); check 'kubectl -n " + ns + " describe job " + SoakJob.NAME
                            + "' and run 'migrate soak --attach' again");
                }
                warn.accept("soak: the pod's log ended without a verdict; looking for its pod again");
                try {
                    clock.sleepUntil(clock.now().plusSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExitCodes.INTERRUPTED;
                }
            }
        }
    }

    private static int finish(Settings settings, SoakSession session, Follower f, Path copy, PrintWriter out,
                              Consumer<String> warn) {
        SoakState state = f.state;
        if (!state.header().settingsDigest().equals(settings.digest())) {
            warn.accept("soak: the in-cluster soak proved settings " + state.header().settingsDigest()
                    + ", not this machine's " + settings.digest() + "; retire will not accept it until they match");
        }
        EndRecord end = state.end();
        SoakState.Verdict v = state.verdict(end.at());
        SoakReports.Written written = SoakReports.write(session.ledger(), copy, state, v, warn);
        session.append(state, v, v.outcome().label(), end.at(), "in-cluster; ", written.html().toString(), copy);
        out.print(written.text());
        out.println("report: " + written.html());
        return v.outcome().exitCode();
    }

    /** Turns log lines back into journal records: a local copy, the replayed state, progress. */
    private static final class Follower {
        final SoakState state;
        final Progress progress;
        final Consumer<String> warn;
        final Path copy;
        boolean started;

        Follower(AnalysisCatalogue catalogue, Path copy, Progress progress, Consumer<String> warn) {
            this.state = new SoakState(catalogue);
            this.copy = copy;
            this.progress = progress;
            this.warn = warn;
        }

        void line(String line) {
            JsonNode node;
            try {
                node = line.startsWith("{") ? Json.MAPPER.readTree(line) : null;
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.has("type")) {
                warn.accept("pod: " + line); // the in-cluster tool's own messages (errors, warnings)
                return;
            }
            try {
                switch (node.path("type").asText()) {
                    case JournalHeader.TYPE -> {
                        Files.writeString(copy, "", StandardCharsets.UTF_8); // the log replays the whole journal
                        dev.migrate.ledger.Ledger.restrict(copy);
                        state.header(Json.MAPPER.treeToValue(node, JournalHeader.class));
                        started = true;
                    }
                    case CycleRecord.TYPE -> {
                        state.cycle(Json.MAPPER.treeToValue(node, CycleRecord.class));
                        progress.cycle(state, state.lastCycleAt());
                    }
                    case EndRecord.TYPE -> state.end(Json.MAPPER.treeToValue(node, EndRecord.class));
                    default -> {
                        warn.accept("pod: " + line);
                        return;
                    }
                }
                if (started) {
                    Files.writeString(copy, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                throw new UserError(ExitCodes.FAILED, "cannot keep the local journal copy " + copy + " (" + e.getMessage() + ")");
            }
        }
    }
}
