package dev.migrate.record;

import dev.migrate.bundle.ManifestFiles;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.ledger.StepRecord;
import dev.migrate.retire.ArchiveManifest;
import dev.migrate.settings.SettingKey;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rebuild guide (rebuild-&lt;version&gt;-claude-monitoring.md): what was deployed, how to
 * rebuild it from nothing, the client environment, what verify and the soak proved and where retire
 * put the archives. Every value comes from {@link RecordSources}; a step that has not passed is
 * "not done yet", never filled in.
 */
public final class RebuildGuide {
    public static final String NOT_DONE = "not done yet";
    /** Keys that describe this machine or the documents, not how to rebuild the pipeline. */
    private static final Set<String> NOT_REBUILD = Set.of(SettingKeys.STATE_DIR.name(), SettingKeys.RECORD_VERSION.name(),
            SettingKeys.VIP_DNS_NAME.name());

    private RebuildGuide() {
    }

    public static String render(RecordSources s) {
        StringBuilder b = new StringBuilder();
        MigrationFacts f = s.facts();
        b.append(s.marker()).append("\n");
        b.append("# Rebuild guide: claude-monitoring v").append(s.version()).append("\n\n");
        b.append("Written by `migrate record` from the ledger in `").append(f.stateDir()).append("` (migration `")
                .append(f.migrationId()).append("`) and the bundle rendered from the current settings (digest `")
                .append(s.settings().digest()).append("`). Every fact below is from a step that ran; a step that has")
                .append(" not passed is marked \"").append(NOT_DONE).append("\".\n\n");
        status(b, f);
        deployed(b, s);
        rebuild(b, s);
        clientEnv(b, s);
        verify(b, f.step("verify"));
        soak(b, f.step("soak"));
        retire(b, s);
        return b.toString();
    }

    private static void status(StringBuilder b, MigrationFacts f) {
        b.append("## Steps\n\n| step | result | finished (UTC) | summary |\n|---|---|---|---|\n");
        for (String step : MigrationFacts.STEPS) {
            MigrationFacts.StepView v = f.step(step);
            if (v.done()) {
                StepRecord r = v.passed().get();
                b.append("| ").append(step).append(" | passed | ").append(RecordSources.time(r.finishedAt())).append(" | ")
                        .append(cell(r.summary())).append(" |\n");
            } else {
                b.append("| ").append(step).append(" | ").append(NOT_DONE).append(" | | ")
                        .append(v.last().map(l -> "last run " + l.outcome() + " at " + RecordSources.time(l.finishedAt())
                                + ": " + cell(l.summary())).orElse("never run")).append(" |\n");
            }
        }
        for (String step : MigrationFacts.STEPS) {
            MigrationFacts.StepView v = f.step(step);
            v.laterFailure().filter(l -> v.done()).ifPresent(l -> b.append("\nA later ").append(step).append(" run ")
                    .append(l.outcome()).append(" at ").append(RecordSources.time(l.finishedAt())).append(": ")
                    .append(l.summary()).append(". The table shows the last run that passed.\n"));
        }
        b.append('\n');
    }

    private static void deployed(StringBuilder b, RecordSources s) {
        StepRecord d = s.deploy().passed().orElseThrow();
        b.append("## 1. What was deployed\n\n");
        b.append("By `migrate deploy`, finished ").append(RecordSources.time(d.finishedAt())).append(": ")
                .append(d.summary()).append(".\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "kubeconfig context", s.deploy().detail("context"));
        row(b, "API server", s.deploy().detail("server"));
        row(b, "namespace", s.namespace());
        row(b, "VIP", s.vip() + " (Cilium LB IPAM, L2 announced)");
        row(b, "VIP DNS name", s.settings().vipDnsName().orElse("not set (setting vip-dns-name)"));
        row(b, "collector image", s.deployedImage().orElse("not recorded by this deploy (an older migrate)"));
        row(b, "settings digest", "`" + d.settingsDigest() + "`");
        b.append('\n');
        if (!d.settingsDigest().equals(s.settings().digest())) {
            b.append("The current settings (digest `").append(s.settings().digest()).append("`) differ from the ones")
                    .append(" this deploy ran with; the ledger keeps only their digest. The rebuild steps below use the")
                    .append(" current settings.\n\n");
        }
        b.append("Objects, in apply order (digest: SHA-256 of the object as applied, compact JSON):\n\n");
        b.append("| # | object | digest as deployed | the current render |\n|---|---|---|---|\n");
        int i = 0;
        for (RecordSources.DeployedObject o : s.deployedObjects()) {
            String compare = o.currentDigest().isEmpty() ? "not in the current render"
                    : o.recordedDigest().isEmpty() ? "`" + o.currentDigest() + "`"
                    : o.recordedDigest().equals(o.currentDigest()) ? "the same" : "differs: `" + o.currentDigest() + "`";
            b.append("| ").append(++i).append(" | ").append(o.id()).append(" | ")
                    .append(o.recordedDigest().isEmpty() ? "not recorded by this deploy" : "`" + o.recordedDigest() + "`")
                    .append(" | ").append(compare).append(" |\n");
        }
        b.append('\n');
    }

    private static void rebuild(StringBuilder b, RecordSources s) {
        b.append("## 2. Rebuild from nothing\n\n");
        b.append("Needs: the cluster with kube-prometheus-stack (Helm release `").append(s.settings().prometheusRelease())
                .append("`), Loki (`").append(s.settings().lokiService()).append("` in `").append(s.settings().namespace())
                .append("`), a Cilium LB IPAM pool holding ").append(s.settings().vip()).append(" (`")
                .append(s.settings().lbPool()).append("`), and the kubeconfig below.\n\n");
        List<String> yaml = new ArrayList<>();
        for (SettingKey key : SettingKeys.ALL) {
            if (s.settings().provenance(key).source() != Source.DEFAULT && !NOT_REBUILD.contains(key.name())) {
                // A URL may carry user:password@; the record never does.
                yaml.add(key.name() + ": " + yamlScalar(s.settings().raw(key).replaceAll("://[^/@\\s]+@", "://")));
            }
        }
        b.append("```sh\n");
        b.append("cat > migrate.yaml <<'YAML'   # the settings that differ from migrate's defaults\n");
        yaml.forEach(l -> b.append(l).append('\n'));
        b.append("YAML\n");
        b.append("migrate deploy --dry-run        # render and validate the bundle; nothing is sent\n");
        b.append("migrate deploy                  # preflight, server-side apply, wait for rollout and the VIP\n");
        b.append("migrate verify                  # evidence that the pipeline works end to end\n");
        b.append("eval \"$(migrate client-env --machine-name $(hostname))\"   # on each Claude Code machine\n");
        b.append("migrate soak                    # ").append(s.settings().raw(SettingKeys.SOAK_DURATION))
                .append(" of proof\n");
        b.append("migrate status                  # deploy, verify and soak passed\n");
        b.append("```\n\n");
        List<String> files = ManifestFiles.of(s.bundle(), ManifestFiles.DEPLOY_OUT).stream().map(f -> "`" + f.path() + "`").toList();
        b.append("The same objects as files for the homelab repository (GitOps, or `kubectl apply -k`):\n\n```sh\n");
        b.append("migrate deploy --dry-run --out manifests/monitoring   # writes ").append(files.size()).append(" files\n");
        b.append("kubectl apply --server-side --field-manager=migrate -k manifests/monitoring\n```\n\n");
        b.append("It writes ").append(String.join(", ", files.subList(0, files.size() - 1))).append(" and ")
                .append(files.get(files.size() - 1)).append(" (listing the others), each object exactly as `migrate deploy`")
                .append(" applies it. Commit them; run the command again after a settings change (it replaces only its own")
                .append(" files, and refuses if one was edited by hand).\n\n");
    }

    private static void clientEnv(StringBuilder b, RecordSources s) {
        b.append("## 3. Client environment\n\n");
        b.append("What `migrate client-env --machine-name ").append(RecordSources.MACHINE_PLACEHOLDER)
                .append("` prints (each machine uses its own name):\n\n```sh\n").append(s.clientEnv()).append("```\n\n");
        b.append("Secrets: none are in this record. The collector takes no token (who may send is limited by")
                .append(" `trusted-cidrs`: ").append(String.join(", ", s.settings().trustedCidrs())).append("). verify and")
                .append(" soak read API credentials from files or the environment (`--prometheus-token-file`,")
                .append(" `MIGRATE_PROMETHEUS_TOKEN`, and the same for Loki, Grafana and Alertmanager); the kubeconfig")
                .append(" holds the cluster credentials.\n\n");
    }

    private static void verify(StringBuilder b, MigrationFacts.StepView v) {
        b.append("## 4. What verify proved\n\n");
        if (!v.done()) {
            b.append(NOT_DONE).append(".\n\n");
            return;
        }
        StepRecord r = v.passed().get();
        b.append("Passed at ").append(RecordSources.time(r.finishedAt())).append(" (").append(r.summary())
                .append("; window ").append(v.detail("since")).append(").\n\n| check | result |\n|---|---|\n");
        r.details().keySet().stream().filter(k -> k.startsWith("check.")).sorted()
                .forEach(k -> b.append("| ").append(k.substring(6)).append(" | ").append(r.details().get(k)).append(" |\n"));
        b.append("\nReport: `").append(r.reportPath().isEmpty() ? "(none)" : r.reportPath()).append("`\n\n");
    }

    private static void soak(StringBuilder b, MigrationFacts.StepView v) {
        b.append("## 5. What the soak proved\n\n");
        if (!v.done()) {
            b.append(NOT_DONE).append(".\n\n");
            return;
        }
        StepRecord r = v.passed().get();
        b.append("Passed at ").append(RecordSources.time(r.finishedAt())).append(": ").append(r.summary()).append(".\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "started", v.detail("started"));
        row(b, "asked to prove", seconds(v.detail("durationSeconds")));
        row(b, "observed (coverage)", seconds(v.detail("coverageSeconds")));
        row(b, "unobserved (gaps)", seconds(v.detail("gapSeconds")) + ", tolerance " + seconds(v.detail("maxGapSeconds")));
        row(b, "cycles", v.detail("cycles") + " every " + seconds(v.detail("intervalSeconds")));
        row(b, "failed measurements", v.detail("failures"));
        row(b, "settings digest", "`" + r.settingsDigest() + "`");
        b.append("\nReport: `").append(r.reportPath().isEmpty() ? "(none)" : r.reportPath()).append("`\n\n");
    }

    private static void retire(StringBuilder b, RecordSources s) {
        MigrationFacts.StepView v = s.facts().step("retire");
        b.append("## 6. The old Compose stack: archives and restore\n\n");
        if (!v.done()) {
            b.append(NOT_DONE).append(".\n");
            return;
        }
        StepRecord r = v.passed().get();
        b.append("Retired at ").append(RecordSources.time(r.finishedAt())).append(": ").append(r.summary()).append(".\n\n");
        if ("true".equals(v.detail("forced"))) {
            b.append("The gate was overridden with --force, reason: ").append(v.detail("reason")).append("\n\n");
        }
        List<ArchiveManifest> archives = s.facts().archives();
        if (!archives.isEmpty()) {
            b.append("| volume | archive | bytes | sha256 |\n|---|---|---|---|\n");
            // Named volumes first, by name, then anonymous ones (their names are random hex).
            List<ArchiveManifest> ordered = archives.stream().sorted(java.util.Comparator
                    .comparing((ArchiveManifest m) -> m.labels().containsKey("com.docker.compose.volume") ? 0 : 1)
                    .thenComparing(ArchiveManifest::volume)).toList();
            for (ArchiveManifest m : ordered) {
                b.append("| ").append(m.volume()).append(" | ").append(Path.of(v.detail("archiveDir")).resolve(m.archive()))
                        .append(" | ").append(m.archiveBytes()).append(" | `").append(m.archiveSha256()).append("` |\n");
            }
            b.append('\n');
        } else {
            b.append(s.facts().archiveNote()).append(".\n\n");
        }
        s.restoreCommand().ifPresent(c -> b.append("Restore (recreates the volumes and checks them against the manifests):\n\n```sh\n")
                .append(c).append("\n```\n"));
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(value.isEmpty() ? "not recorded" : cell(value)).append(" |\n");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String seconds(String s) {
        if (s.isEmpty()) {
            return "not recorded";
        }
        long n = Long.parseLong(s);
        return n % 3600 == 0 && n > 0 ? n / 3600 + " h" : n % 60 == 0 && n > 0 ? n / 60 + " min" : n + " s";
    }

    /** A value as YAML: quoted when it could read as something else. */
    private static String yamlScalar(String v) {
        return v.matches("[A-Za-z0-9_./~-][A-Za-z0-9_./~:@,-]*") && !v.contains(": ") ? v : "'" + v.replace("'", "''") + "'";
    }

    /** The ports of the rendered Service, "4317 (otlp-grpc), ...". */
    static String servicePorts(RecordSources s) {
        Optional<ManifestObject> svc = s.rendered("Service");
        List<String> ports = new ArrayList<>();
        svc.ifPresent(o -> dev.migrate.Json.MAPPER.valueToTree(o.body()).path("spec").path("ports")
                .forEach(p -> ports.add(p.path("port").asText() + " (" + p.path("name").asText() + ")")));
        return String.join(", ", ports);
    }
}
