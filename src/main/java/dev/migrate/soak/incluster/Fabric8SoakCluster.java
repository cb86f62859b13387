package dev.migrate.soak.incluster;

import dev.migrate.UserError;
import dev.migrate.bundle.ManifestObject;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.LogWatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** {@link SoakCluster} over a fabric8 client (already bound to the operator's named context). */
public final class Fabric8SoakCluster implements SoakCluster {
    /** The same field manager deploy uses, so the objects' managedFields read "migrate". */
    private static final String FIELD_MANAGER = dev.migrate.cluster.Cluster.FIELD_MANAGER;
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
    public String apply(ManifestObject object) {
        return call(object.id(), () -> {
            var r = client.resource(resource(object));
            HasMetadata before = r.get();
            HasMetadata after;
            try {
                after = r.fieldValidation(FieldValidateable.Validation.STRICT).fieldManager(FIELD_MANAGER).serverSideApply();
            } catch (KubernetesClientException e) {
                if (before != null && e.getCode() == 422 && String.valueOf(e.getMessage()).contains("immutable")) {
                    throw new UserError(dev.migrate.ExitCodes.REFUSED, object.id() + " already exists with other settings,"
                            + " which the server will not change in place (" + immutable(e) + "): follow it with 'migrate soak"
                            + " --attach', or delete it first (kubectl -n " + object.namespace() + " delete "
                            + object.kind().toLowerCase(java.util.Locale.ROOT) + " " + object.name() + ")");
                }
                throw e;
            }
            if (before == null) {
                return "created";
            }
            return before.getMetadata().getResourceVersion().equals(after.getMetadata().getResourceVersion())
                    ? "unchanged" : "configured";
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

    /** "spec.template: field is immutable" from the server's causes (its message quotes the whole template). */
    private static String immutable(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getDetails() != null && e.getStatus().getDetails().getCauses() != null) {
            List<String> fields = e.getStatus().getDetails().getCauses().stream()
                    .filter(c -> String.valueOf(c.getMessage()).endsWith("field is immutable"))
                    .map(c -> c.getField() + ": field is immutable").toList();
            if (!fields.isEmpty()) {
                return String.join(", ", fields);
            }
        }
        return firstLine(e);
    }

    private static String firstLine(KubernetesClientException e) {
        String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : String.valueOf(e.getMessage());
        String line = m.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static <T> T call(String what, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (KubernetesClientException e) {
            throw new UserError(dev.migrate.ExitCodes.FAILED, "the cluster refused " + what + " (HTTP " + e.getCode() + ": "
                    + firstLine(e) + "); check --context and your permissions in the namespace");
        }
    }
}
