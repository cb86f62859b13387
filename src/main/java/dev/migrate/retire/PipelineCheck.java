package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.List;

/**
 * Verify's checks, run once more right before retire changes anything: a soak that passed last
 * week proves little today. The lead wires verify's real runner through {@link Factory}.
 */
public interface PipelineCheck {
    List<CheckResult> runOnce();

    /** Builds the check for the effective settings. */
    interface Factory {
        PipelineCheck create(Settings settings);
    }

    /** Until verify is wired in, the gate cannot prove the pipeline healthy now and says so. */
    Factory NOT_WIRED = settings -> () -> List.of(CheckResult.inconclusive("verify-now",
            "verify's checks are not available to retire in this build",
            "retire was built without verify's check runner",
            "run 'migrate verify' yourself, then retire with --force --reason 'verify passed at <time>'"));
}
