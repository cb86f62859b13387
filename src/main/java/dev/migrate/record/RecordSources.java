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

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
