package dev.migrate.cluster;

import dev.migrate.UserError;
import dev.migrate.settings.Settings;

/** Builds the real {@link Cluster} from the settings: the kubeconfig file and the context, both explicit. */
public final class ClusterFactory {
    private ClusterFactory() {
    }

    /**
     * @throws UserError when no context is named, the kubeconfig is missing or unreadable, or the
     *                   context is not in it (the message lists the contexts available)
     */
    public static Cluster connect(Settings settings) {
        Kubeconfig kubeconfig = Kubeconfig.load(settings);
        return Fabric8Cluster.connect(kubeconfig, dev.migrate.io.Limits.of(settings));
    }
}
