package dev.migrate.soak.incluster;

import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;

/** {@link SoakCluster} over a fabric8 client (already bound to the operator's named context). */
public final class Fabric8SoakCluster implements SoakCluster {
    private final KubernetesClient client;
    private final boolean owned;

    /** @param owned whether {@link #close()} closes the client (false when the caller shares it) */
    public Fabric8SoakCluster(KubernetesClient client, boolean owned) {
        this.client = client;
        this.owned = owned;
    }

    private HasMetadata resource(ManifestObject object) {
        return client.getKubernetesSerialization().convertValue(object.body(), HasMetadata.class);
    }

    @Override
    public boolean exists(ManifestObject object) {
        return call(object.id(), () -> client.resource(resource(object)).get() != null);
    }

    @Override
    public void createOrReplace(ManifestObject object, boolean replace) {
        call(object.id(), () -> {
            var r = client.resource(resource(object));
            if (replace && r.get() != null) {
                return r.update();
            }
            return r.create();
        });
    }

    @Override
    public Optional<String> podOfJob(String namespace, String job) {
        return call("pods of job " + namespace + "/" + job, () -> client.pods().inNamespace(namespace)
                .withLabel("job-name", job).list().getItems().stream()
                .max(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp())))
                .map(p -> p.getMetadata().getName()));
    }

    @Override
    public void followLog(String namespace, String pod, Consumer<String> line) {
        try (LogWatch watch = client.pods().inNamespace(namespace).withName(pod).watchLog();
             BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                line.accept(l);
            }
        } catch (IOException | KubernetesClientException e) {
            throw new UserError(dev.migrate.ExitCodes.FAILED, "lost the log of pod " + namespace + "/" + pod + " ("
                    + e.getMessage() + "); run 'migrate soak --attach' again");
        }
    }

    @Override
    public void close() {
        if (owned) {
            client.close();
        }
    }

    private static <T> T call(String what, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (KubernetesClientException e) {
            throw new UserError(dev.migrate.ExitCodes.FAILED, "the cluster refused " + what + " (HTTP " + e.getCode() + ": "
                    + e.getMessage().lines().findFirst().orElse("") + "); check --context and your permissions in the namespace");
        }
    }
}
