package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verify's checks, run once more right before retire changes anything: a soak that passed last
 * week proves little today. The CLI runs the same checks as `migrate verify`.
 */
public interface PipelineCheck {
    List<CheckResult> runOnce();

    /**
     * The checks whose failure the gate shows but is not held back by: the checks file marks them
     * {@code holdsRetireBack: false} (they judge the clients' set-up, not the new pipeline).
     */
    default Set<String> advisory() {
        return Set.of();
    }

    static PipelineCheck of(Supplier<List<CheckResult>> run, Set<String> advisory) {
        Set<String> names = Set.copyOf(advisory);
        return new PipelineCheck() {
            @Override
            public List<CheckResult> runOnce() {
                return run.get();
            }

            @Override
            public Set<String> advisory() {
                return names;
            }
        };
    }

    /** Builds the check for the effective settings. */
    interface Factory {
        PipelineCheck create(Settings settings);
    }

}
