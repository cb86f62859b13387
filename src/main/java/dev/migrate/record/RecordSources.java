package dev.migrate.record;

import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.Settings;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Everything the record is written from: the ledger's facts, the effective settings, the bundle
 * rendered from them (the same renderer as deploy) and the client environment exactly as
 * `migrate client-env` prints it.
 *
 * @param clientEnv      the text of `migrate client-env` for {@link #MACHINE_PLACEHOLDER}
 */
public record RecordSources(MigrationFacts facts, Settings settings, Bundle bundle, String clientEnv) {
    /** The machine name in {@code clientEnv}: each client sets its own. */
    public static final String MACHINE_PLACEHOLDER = "MACHINE-NAME";
    public static final String LOKI_QUERY = "{service_name=\"claude-code\"} | event_name=\"api_request\"";

    public String version() {
        return settings.recordVersion();
    }

    public String guideFile() {
        return "rebuild-" + version() + "-claude-monitoring.md";
    }

    public String snippetsFile() {
        return "rebuild-" + version() + "-snippets.md";
    }

    /** The first line of every file the record writes: how a later run recognises its own files. */
    public String marker() {
        return "<!-- written by migrate record from migration " + facts.migrationId()
                + "; regenerate it with 'migrate record' rather than editing it -->";
    }

    public MigrationFacts.StepView deploy() {
        return facts.step("deploy");
    }

    /** The collector image the deploy recorded; older deploy records did not keep it. */
    public Optional<String> deployedImage() {
        String image = deploy().detail("collectorImage");
        return image.isEmpty() ? Optional.empty() : Optional.of(image);
    }

    public Optional<String> collectorVersion() {
        return deployedImage().filter(i -> i.contains(":") && !i.contains("@")).map(i -> i.substring(i.lastIndexOf(':') + 1));
    }

    public String vip() {
        return deploy().detail("vip");
    }

    public String namespace() {
        return deploy().detail("namespace");
    }

    public Optional<ManifestObject> rendered(String kind) {
        return bundle.objects().stream().filter(o -> o.kind().equals(kind)).findFirst();
    }

    /** The day (UTC) of the last step that passed: the date the phase reached its current state. */
    public String lastDay() {
        return facts.steps().values().stream().flatMap(v -> v.passed().stream()).map(StepRecord::finishedAt)
                .max(Instant::compareTo).orElseThrow().toString().substring(0, 10);
    }

    /**
     * One deployed object: the digest deploy recorded (empty when that deploy did not record it) and
     * the digest of the same object in the current render (empty when it is no longer rendered).
     */
    public record DeployedObject(String id, String recordedDigest, String currentDigest) {
    }

    /** The objects the deploy applied, in its apply order. */
    public java.util.List<DeployedObject> deployedObjects() {
        java.util.Map<String, String> recorded = new java.util.LinkedHashMap<>();
        for (String pair : deploy().detail("objectDigests").split(",")) {
            int eq = pair.lastIndexOf('=');
            if (eq > 0) {
                recorded.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        java.util.Map<String, String> now = new java.util.LinkedHashMap<>();
        bundle.objects().forEach(o -> now.put(o.id(), o.digest()));
        java.util.List<DeployedObject> out = new java.util.ArrayList<>();
        for (String id : deploy().detail("objects").split(",")) {
            if (!id.isBlank()) {
                out.add(new DeployedObject(id, recorded.getOrDefault(id, ""), now.getOrDefault(id, "")));
            }
        }
        return out;
    }

    /** The command that restores what retire archived, when it archived anything. */
    public Optional<String> restoreCommand() {
        MigrationFacts.StepView retire = facts.step("retire");
        if (!retire.done() || "false".equals(retire.detail("backup"))) {
            return Optional.empty();
        }
        return Optional.of("migrate retire --restore --project " + retire.detail("project") + " --backup-dir "
                + retire.detail("archiveDir"));
    }

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
