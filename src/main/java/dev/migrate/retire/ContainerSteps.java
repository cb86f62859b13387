package dev.migrate.retire;

import dev.migrate.ExitCodes;
import dev.migrate.UserError;
import dev.migrate.docker.DockerEngine;
import dev.migrate.docker.DockerEngine.ContainerInfo;
import dev.migrate.docker.DockerEngine.EngineException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The container steps, in the order retire runs them. Each takes the plan's containers and acts
 * through {@link JournaledActions}; a container that is already gone counts as done.
 */
final class ContainerSteps {
    private ContainerSteps() {
    }

    /** Step 4a: restart policy 'no' first, or a stopped `restart: always` container returns with the daemon. */
    record DisableRestart(DockerEngine engine, JournaledActions actions) {
        void run(List<ContainerInfo> containers) {
            for (ContainerInfo c : containers) {
                actions.run("restart-policy", c.id(), c.name(), () -> {
                    ignoreGone(() -> engine.setRestartPolicy(c.id(), "no"));
                    return Map.of("was", c.restartPolicy());
                });
            }
        }
    }

    /** Step 4b: stop each container; one that will not stop ends the run before anything is deleted. */
    record Stop(DockerEngine engine, JournaledActions actions, Duration timeout) {
        void run(List<ContainerInfo> containers) {
            for (ContainerInfo c : containers) {
                actions.run("stop", c.id(), c.name(), () -> {
                    try {
                        ignoreGone(() -> engine.stop(c.id(), timeout));
                    } catch (EngineException e) {
                        throw new UserError(ExitCodes.FAILED, "container " + c.name() + " did not stop within "
                                + timeout.toSeconds() + " s (" + e.getMessage() + "); nothing was deleted; stop it"
                                + " yourself (docker kill " + c.name() + ") and rerun 'migrate retire --yes' to resume");
                    }
                    return Map.of();
                });
            }
        }
    }

    /** Step 4d: remove the stopped containers (their volumes are left alone: v=0). */
    record Remove(DockerEngine engine, JournaledActions actions) {
        void run(List<ContainerInfo> containers) {
            for (ContainerInfo c : containers) {
                actions.run("remove-container", c.id(), c.name(), () -> {
                    engine.removeContainer(c.id());
                    return Map.of();
                });
            }
        }
    }

    static void ignoreGone(Runnable call) {
        try {
            call.run();
        } catch (EngineException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }
}
