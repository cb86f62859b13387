package dev.migrate.cluster;

import dev.migrate.bundle.ManifestObject;
import dev.migrate.io.Limits;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ServerSideApplicable;
import io.fabric8.kubernetes.client.dsl.WritableOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link Cluster} on the fabric8 client, built from an explicit kubeconfig file and context only. */
public final class Fabric8Cluster implements Cluster {
    private static final Pattern CONFLICT_MANAGER = Pattern.compile("conflict with \"([^\"]+)\"");
    private static final int REQUEST_TIMEOUT_MS = 15_000;

    /** The first pause before asking a restarting server again, doubled up to {@link #MAX_PAUSE_MS}. */
    private static final long FIRST_PAUSE_MS = 250;
    private static final long MAX_PAUSE_MS = 2_000;
    private static final long HEARTBEAT_AFTER_NS = 2_000_000_000L;

    private final KubernetesClient client;
    private final String serverUrl;
    private final String context;
    private final java.time.Duration unavailableFor;
    /** The server has answered this client once: a refused connection after that is a restart, not a wrong address. */
    private volatile boolean answered;
    private volatile java.util.function.Consumer<String> heartbeat = line -> { };

    Fabric8Cluster(KubernetesClient client, String serverUrl, String context, java.time.Duration unavailableFor) {
        this.client = client;
        this.serverUrl = serverUrl;
        this.context = context;
        this.unavailableFor = unavailableFor;
    }

    /** Connects lazily (fabric8 sends nothing until the first call) to the kubeconfig's named context. */
    public static Fabric8Cluster connect(Kubeconfig kubeconfig) {
        return connect(kubeconfig, Limits.DEFAULT);
    }

    /** The same, with the connect timeout and answer-size cap of {@code limits} ({@link ApiServerAnswers}). */
    public static Fabric8Cluster connect(Kubeconfig kubeconfig, Limits limits) {
        Config config = kubeconfig.fabric8Config(limits.read());
        config.setRequestTimeout((int) Math.min(REQUEST_TIMEOUT_MS, limits.read().toMillis()));
        config.setConnectionTimeout((int) Math.min(Integer.MAX_VALUE, limits.connect().toMillis()));
        // No silent retries: an unreachable server should say so at once, not after a minute of back-off.
        config.setRequestRetryBackoffLimit(0);
        KubernetesClient client;
        try {
            client = new KubernetesClientBuilder().withConfig(config)
                    .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiServerAnswers.NAME, new ApiServerAnswers(limits)))
                    .build();
        } catch (RuntimeException e) {
            // The client certificate and key are loaded here: a bad one must be named as such, not as
            // fabric8's "An error has occurred."
            throw new dev.migrate.UserError("kubeconfig " + kubeconfig.path() + ", context '" + kubeconfig.context()
                    + "': its client certificate or key cannot be loaded (" + Kubeconfig.reason(e) + "); fix the kubeconfig");
        }
        // A restarting API server is a silent one: ride it out for as long as read-timeout allows silence.
        return new Fabric8Cluster(client, kubeconfig.serverUrl(), kubeconfig.context(), limits.read());
    }

    @Override
    public String serverUrl() {
        return serverUrl;
    }

    @Override
    public String context() {
        return context;
    }

    @Override
    public Optional<Map<String, Object>> get(String apiVersion, String kind, String namespace, String name) {
        KindInfo info = KindInfo.of(apiVersion, kind);
        GenericKubernetesResource found = call("get " + info.resourceName() + " " + where(namespace) + name, () -> {
            try {
                return resources(info, namespace).withName(name).get();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return null; // the kind itself is not served (CRD missing): the object does not exist either
                }
                throw e;
            }
        });
        return Optional.ofNullable(found).map(this::tree);
    }

    @Override
    public List<Map<String, Object>> list(String apiVersion, String kind, String namespace) {
        KindInfo info = KindInfo.of(apiVersion, kind);
        List<GenericKubernetesResource> items = call("list " + info.resourceName() + " "
                + (namespace == null ? "in all namespaces" : "in namespace " + namespace), () -> {
            try {
                var op = client.genericKubernetesResources(context(info));
                var list = namespace == null ? op.inAnyNamespace().list() : op.inNamespace(namespace).list();
                if (list == null || list.getItems() == null) {
                    throw notAnObject("list " + info.resourceName());
                }
                return list.getItems();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return List.of();
                }
                throw e;
            }
        });
        List<Map<String, Object>> out = new ArrayList<>();
        items.forEach(i -> out.add(tree(i)));
        return out;
    }

    @Override
    public List<PrometheusSelectors> prometheuses(String namespace) {
        List<PrometheusSelectors> out = new ArrayList<>();
        list("monitoring.coreos.com/v1", "Prometheus", namespace).forEach(p -> out.add(PrometheusSelectors.fromTree(p)));
        return out;
    }

    @Override
    public List<ServiceLb> services() {
        List<ServiceLb> out = new ArrayList<>();
        list("v1", "Service", null).forEach(s -> out.add(ServiceLb.fromTree(s)));
        return out;
    }

    @Override
    public Set<String> servedResources(String groupVersion) {
        io.fabric8.kubernetes.api.model.APIResourceList served = call("discovery of " + groupVersion, () -> {
            try {
                return client.getApiResources(groupVersion);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404 || e.getCode() == 403) {
                    return null; // not served, or discovery refused: the caller asks for the CRD itself
                }
                throw e;
            }
        });
        Set<String> out = new LinkedHashSet<>();
        if (served != null && served.getResources() != null) {
            served.getResources().forEach(r -> out.add(r.getName()));
        }
        return out;
    }

    @Override
    public RulesReview rulesReview(String namespace) {
        SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder().withNewSpec().withNamespace(namespace).endSpec().build();
        SelfSubjectRulesReview answer = call("create selfsubjectrulesreviews",
                () -> client.authorization().v1().selfSubjectRulesReview().create(review));
        SubjectRulesReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null) {
            return new RulesReview(List.of(), true, "the server's answer had no status");
        }
        List<RulesReview.Rule> rules = new ArrayList<>();
        for (ResourceRule r : status.getResourceRules() == null ? List.<ResourceRule>of() : status.getResourceRules()) {
            rules.add(new RulesReview.Rule(r.getVerbs(), r.getApiGroups(), r.getResources(), r.getResourceNames()));
        }
        return new RulesReview(rules, Boolean.TRUE.equals(status.getIncomplete()), status.getEvaluationError());
    }

    @Override
    public boolean canI(String verb, String group, String resource, String namespace) {
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace)
                .endResourceAttributes().endSpec().build();
        SelfSubjectAccessReview answer = call("create selfsubjectaccessreviews",
                () -> client.authorization().v1().selfSubjectAccessReview().create(review));
        return answer != null && answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }

    @Override
    public String serviceProxyGet(String namespace, String serviceAndPort, String path) {
        String uri = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace
                + "/services/" + serviceAndPort + "/proxy" + path;
        String what = "GET " + path + " of service " + namespace + "/" + serviceAndPort + " through the API server's proxy";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(uri)
                .timeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS).build();
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(request, String.class).get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(ClusterException.Kind.OTHER, "interrupted during " + what);
        } catch (ExecutionException | TimeoutException e) {
            IOException refused = ApiServerAnswers.refusal(e);
            if (refused != null) {
                throw new ClusterException(ClusterException.Kind.BAD_RESPONSE, what + " answered " + refused.getMessage()
                        + " (server " + serverUrl + ", context " + context + ")", e);
            }
            throw unreachable(what, e.getCause() == null ? e : e.getCause());
        }
        int code = response.code();
        if (code == 401 || code == 403) {
            throw denied(code, what);
        }
        if (code != 200) {
            String body = statusText(response.body() == null ? "" : response.body().strip());
            throw new ClusterException(code == 404 ? ClusterException.Kind.NOT_FOUND : ClusterException.Kind.OTHER,
                    what + " answered " + code + (body.isEmpty() ? "" : ": " + firstLine(body)) + " (server "
                            + serverUrl + ", context " + context + ")");
        }
        return response.body() == null ? "" : response.body();
    }

    @Override
    public Map<String, Object> apply(ManifestObject object, boolean force, boolean dryRun) {
        KindInfo info = KindInfo.of(object.apiVersion(), object.kind());
        GenericKubernetesResource resource = client.getKubernetesSerialization()
                .convertValue(object.body(), GenericKubernetesResource.class);
        GenericKubernetesResource applied = call("server-side apply of " + object.id(), () -> {
            try {
                Resource<GenericKubernetesResource> target = resources(info, object.namespace()).resource(resource);
                // Strict: an unknown or duplicated field is refused (422 naming it) rather than dropped with a
                // warning header nobody reads, which is the server's default for an apply.
                WritableOperation<GenericKubernetesResource> write = dryRun ? target.dryRun() : target;
                NonDeletingOperation<GenericKubernetesResource> op = write.fieldValidation(FieldValidateable.Validation.STRICT);
                ServerSideApplicable<GenericKubernetesResource> ssa = op.fieldManager(FIELD_MANAGER);
                GenericKubernetesResource answer = (force ? ssa.forceConflicts() : ssa).serverSideApply();
                if (answer == null) {
                    throw notAnObject("server-side apply of " + object.id());
                }
                return answer;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    throw conflict(object, e);
                }
                throw e;
            }
        });
        return tree(applied);
    }

    @Override
    public Optional<DeploymentStatus> deploymentStatus(String namespace, String name) {
        return get("apps/v1", "Deployment", namespace, name).map(DeploymentStatus::fromTree);
    }

    @Override
    public boolean l2AnnouncementLeaseExists(String namespace, String service) {
        return get("coordination.k8s.io/v1", "Lease", "kube-system",
                "cilium-l2announce-" + namespace + "-" + service).isPresent();
    }

    @Override
    public void onUnavailable(java.util.function.Consumer<String> heartbeat) {
        this.heartbeat = heartbeat;
    }

    @Override
    public void close() {
        client.close();
    }

    private MixedOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op(KindInfo info) {
        return client.genericKubernetesResources(context(info));
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource, ?,
            Resource<GenericKubernetesResource>> resources(KindInfo info, String namespace) {
        return info.namespaced() && namespace != null ? op(info).inNamespace(namespace) : op(info);
    }

    private static ResourceDefinitionContext context(KindInfo info) {
        return new ResourceDefinitionContext.Builder().withGroup(info.group()).withVersion(info.version())
                .withKind(info.kind()).withPlural(info.plural()).withNamespaced(info.namespaced()).build();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> tree(Object resource) {
        return client.getKubernetesSerialization().convertValue(resource, Map.class);
    }

    private static String where(String namespace) {
        return namespace == null ? "" : namespace + "/";
    }

    /**
     * Runs one API call, asking again while the server is unavailable (see {@link #once}) until
     * read-timeout has passed. Every call here is safe to repeat: reads, a SelfSubjectAccessReview
     * (it changes nothing) and server-side apply, which leaves an object that already matches as it is.
     */
    private <T> T call(String what, Supplier<T> body) {
        long first = System.nanoTime();
        long deadline = first + unavailableFor.toNanos();
        long pause = FIRST_PAUSE_MS;
        long said = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                return once(what, body);
            } catch (ClusterException e) {
                if (!e.unavailable()) {
                    throw e;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                long wait = Math.min(Math.max(pause, retryAfterMs(e)), MAX_PAUSE_MS);
                if (wait > left) {
                    if (attempt == 1) {
                        throw e;
                    }
                    // The answer first, then how long it was asked, then the fix: still one line.
                    String message = e.getMessage();
                    int fix = message.lastIndexOf("; ");
                    String asked = ", asked " + attempt + " times over " + Math.round(unavailableFor.toMillis() / 1000.0)
                            + " s (setting read-timeout)";
                    throw new ClusterException(e.kind(), fix < 0 ? message + asked : message.substring(0, fix) + asked
                            + message.substring(fix), e.getCause(), true);
                }
                long now = System.nanoTime();
                // A blip (one 429) passes unsaid; an outage gets a line after 2 s, and another every 10 s.
                if (now - first >= HEARTBEAT_AFTER_NS && (said == 0 || now - said >= 5 * HEARTBEAT_AFTER_NS)) {
                    said = now;
                    String answer = e.getMessage().substring(0, Math.max(0, e.getMessage().lastIndexOf("; ")));
                    heartbeat.accept("  the API server is unavailable: " + (answer.isEmpty() ? e.getMessage() : answer)
                            + "; asking again for up to " + (left / 1000) + " s more");
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new dev.migrate.UserError(dev.migrate.ExitCodes.INTERRUPTED, "interrupted during " + what);
                }
                pause = Math.min(pause * 2, MAX_PAUSE_MS);
            }
        }
    }

    /** The server's Retry-After (details.retryAfterSeconds of a 429), in ms; 0 when it gave none. */
    private static long retryAfterMs(ClusterException e) {
        if (e.getCause() instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getDetails() != null
                && k.getStatus().getDetails().getRetryAfterSeconds() != null) {
            return k.getStatus().getDetails().getRetryAfterSeconds() * 1000L;
        }
        return 0;
    }

    /**
     * One API call; transport and auth failures become one-line errors naming server and context.
     * Marked unavailable (asked again by {@link #call}): a 429 (API priority and fairness, or a
     * restarted server whose storage for custom resources is still "(re)initializing"), a 503, and a
     * refused or dropped connection once this server has answered (a restart; on first contact it
     * is a wrong address and said at once), and a request it held unanswered once it had answered
     * (kube-apiserver shutting down keeps the connection and holds what arrives on it). Not asked
     * again: every answer about the request itself.
     */
    private <T> T once(String what, Supplier<T> body) {
        long start = System.nanoTime();
        try {
            T answer = body.get();
            answered = true;
            return answer;
        } catch (ClusterException e) {
            if (e.kind() != ClusterException.Kind.UNREACHABLE) {
                answered = true;
            }
            throw e;
        } catch (RuntimeException e) {
            if (e instanceof KubernetesClientException k && k.getCode() > 0) {
                answered = true;
            }
            if (Thread.currentThread().isInterrupted() || interrupted(e)) {
                // SIGINT (SignalGuard) during a call: the step says what it had done, as on an interrupted wait.
                throw new dev.migrate.UserError(dev.migrate.ExitCodes.INTERRUPTED, "interrupted during " + what);
            }
            IOException refused = ApiServerAnswers.refusal(e);
            if (refused != null) {
                throw new ClusterException(ClusterException.Kind.BAD_RESPONSE, "the API server " + serverUrl + " (context "
                        + context + ") answered " + what + " with " + refused.getMessage() + "; check the kubeconfig's"
                        + " server URL points at the API server, not a proxy or web page", e);
            }
            if (!(e instanceof KubernetesClientException k)) {
                throw e;
            }
            int code = k.getCode();
            if (code == 403 && statusMessage(k).contains("User \"system:anonymous\"")) {
                throw anonymous(what);
            }
            if (code == 500 && statusMessage(k).contains("failed to create typed patch object")) {
                // The real API server answers a custom resource's undeclared field with a 500 naming the field
                // (not 422): it is the object that is wrong, not the server.
                throw new ClusterException(ClusterException.Kind.OTHER, what + " failed with HTTP 500, refused by the"
                        + " object's schema: " + firstLine(statusMessage(k)) + "; remove or rename that field (server "
                        + serverUrl + ", context " + context + ")", k);
            }
            if (code == 503) {
                throw new ClusterException(ClusterException.Kind.SERVER_ERROR, "the API server " + serverUrl + " (context "
                        + context + ") answered " + what + " with HTTP 503 Service Unavailable: " + statusMessage(k)
                        + "; it is starting or overloaded: check its health (kubectl get --raw /readyz) and retry", e, true);
            }
            if (code >= 500) {
                String message = k.getStatus() != null && k.getStatus().getMessage() != null
                        ? ": " + firstLine(k.getStatus().getMessage()) : "";
                throw new ClusterException(ClusterException.Kind.SERVER_ERROR, "the API server " + serverUrl + " (context "
                        + context + ") failed " + what + " with HTTP " + code + message + "; this is the"
                        + " server's own error, not a permission problem: check its health (kubectl get --raw /readyz)"
                        + " and retry", e);
            }
            if (code == 429) {
                // API priority and fairness shedding load, or a restarted server whose custom-resource storage
                // is not ready yet ("storage is (re)initializing"): neither a permission problem nor a broken server.
                throw new ClusterException(ClusterException.Kind.SERVER_ERROR, "the API server " + serverUrl + " (context "
                        + context + ") answered " + what + " with HTTP 429 Too Many Requests (" + statusMessage(k) + "): it is"
                        + " restarting or shedding load, which is not a permission problem; wait a minute and retry", e, true);
            }
            if (code == 401 || code == 403) {
                throw denied(code, what);
            }
            if (code <= 0 && !transportFailure(k) && !timedOut(k)) {
                // Not the network: fabric8 failed before sending (credentials it could not load or refresh).
                throw new ClusterException(ClusterException.Kind.UNAUTHORIZED, "the kubeconfig's credentials for context "
                        + context + " could not be used for " + what + " (" + Kubeconfig.reason(k) + "); fix the kubeconfig's"
                        + " user entry or log in again", k);
            }
            if (code <= 0 || transportFailure(k)) {
                int timeout = client.getConfiguration().getRequestTimeout();
                if (timeout > 0 && (System.nanoTime() - start) / 1_000_000 >= timeout - 250L) {
                    // A server that accepted and went silent: say so, with the bound, not "socket closed".
                    // After an answer earlier in this run it is a restart too: a server shutting down holds the request.
                    throw new ClusterException(ClusterException.Kind.UNREACHABLE, "the API server " + serverUrl
                            + " (context " + context + ") did not answer " + what + " within " + timeout / 1000.0
                            + " s (setting read-timeout); check the cluster is up and that --context names the homelab", k, answered);
                }
                ClusterException unreachable = unreachable(what, k); // fabric8 reports connect/TLS/timeout failures with code -1 or 0
                if (answered) {
                    // It answered before in this run: a restart (connection refused, dropped mid-request or mid-handshake).
                    throw new ClusterException(unreachable.kind(), unreachable.getMessage(), k, true);
                }
                throw unreachable;
            }
            throw new ClusterException(ClusterException.Kind.OTHER, what + " failed with HTTP " + code + ": "
                    + statusMessage(k) + " (server " + serverUrl + ", context " + context + ")", k);
        }
    }

    /** A 200 whose body is JSON null (or no list): an answer, but not from a Kubernetes API. */
    private ClusterException notAnObject(String what) {
        return new ClusterException(ClusterException.Kind.BAD_RESPONSE, "the API server " + serverUrl + " (context " + context
                + ") answered " + what + " with JSON null instead of a Kubernetes object; check the kubeconfig's server URL"
                + " points at the API server, not a proxy or another service");
    }

    private static boolean interrupted(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof InterruptedException) { // not InterruptedIOException: OkHttp's call timeout is one
                return true;
            }
        }
        return false;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean transportFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private ClusterException denied(int code, String what) {
        if (code == 401) {
            return new ClusterException(ClusterException.Kind.UNAUTHORIZED, "the API server " + serverUrl + " (context "
                    + context + ") answered 401 Unauthorized to " + what + ": the kubeconfig's credentials are missing,"
                    + " expired or revoked; renew them and retry");
        }
        return new ClusterException(ClusterException.Kind.FORBIDDEN, "the API server " + serverUrl + " (context "
                + context + ") answered 403 Forbidden to " + what + ": this identity lacks the permission; grant it"
                + " (see RUNBOOK, deploy: RBAC) or use a context that has it");
    }

    /**
     * A real API server with anonymous auth on (the default, kubeadm's too) does not answer 401 to a
     * client certificate signed by a CA it does not trust: it ignores it, and RBAC refuses
     * system:anonymous with a 403 (checked on kube-apiserver 1.35.4; an expired certificate from
     * the right CA gets a 401). That is a credentials problem, not a missing grant.
     */
    private ClusterException anonymous(String what) {
        return new ClusterException(ClusterException.Kind.UNAUTHORIZED, "the API server " + serverUrl + " (context "
                + context + ") answered 403 Forbidden to " + what + " as system:anonymous: it did not accept the"
                + " kubeconfig's credentials (a client certificate from another CA, or none at all); renew them and retry");
    }

    private ClusterException unreachable(String what, Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                String detail = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
                return new ClusterException(ClusterException.Kind.UNREACHABLE, "cannot reach the API server " + serverUrl
                        + " (context " + context + ") for " + what + ": TLS failed (" + detail + "); check that the"
                        + " kubeconfig's certificate-authority-data is this cluster's CA", e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = root instanceof IOException || root instanceof TimeoutException
                ? root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()))
                : firstLine(String.valueOf(e.getMessage()));
        return new ClusterException(ClusterException.Kind.UNREACHABLE, "cannot reach the API server " + serverUrl
                + " (context " + context + ") for " + what + " (" + reason + "); check the cluster is up, the network"
                + " or VPN, and that --context names the homelab", e);
    }

    private ApplyConflictException conflict(ManifestObject object, KubernetesClientException e) {
        Status status = e.getStatus();
        String message = statusMessage(e);
        Set<String> managers = new LinkedHashSet<>();
        List<String> fields = new ArrayList<>();
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                Matcher m = CONFLICT_MANAGER.matcher(String.valueOf(cause.getMessage()));
                if (m.find()) {
                    managers.add(m.group(1));
                }
                if (cause.getField() != null) {
                    fields.add(cause.getField());
                }
            }
        }
        if (managers.isEmpty()) {
            Matcher m = CONFLICT_MANAGER.matcher(message);
            while (m.find()) {
                managers.add(m.group(1));
            }
        }
        if (managers.isEmpty()) {
            managers.add("another field manager");
        }
        return new ApplyConflictException(object.id(), List.copyOf(managers), fields.isEmpty() ? List.of("(fields not given)")
                : fields, message);
    }

    /** The message of a JSON Status body (what the API server itself answers), else the body as is. */
    private String statusText(String body) {
        if (body.startsWith("{")) {
            try {
                Object message = client.getKubernetesSerialization().unmarshal(body, Map.class).get("message");
                if (message != null) {
                    return message.toString();
                }
            } catch (RuntimeException notJson) {
                // an answer from the Service itself: shown as it came
            }
        }
        return body;
    }

    private static String statusMessage(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null && status.getMessage() != null) {
            return firstLine(status.getMessage());
        }
        return firstLine(String.valueOf(e.getMessage()));
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
