package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.List;

/**
 * Verify's checks, run once more right before retire changes anything: a soak that passed last
 * week proves little today. The CLI runs the same checks as `migrate verify`.
 */
public interface PipelineCheck {
    List<CheckResult> runOnce();

    /** Builds the check for the effective settings. */
    interface Factory {
        PipelineCheck create(Settings settings);
    }

}
