package dev.migrate.cluster;

import dev.migrate.UserError;
import dev.migrate.endpoints.HttpEndpoint;
import dev.migrate.settings.Settings;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.util.Arrays;
import java.util.Optional;

/**
 * How this machine reaches an in-cluster Service through the kube-apiserver's service proxy
 * ({@code <server>/api/v1/namespaces/NS/services/NAME:PORT/proxy/}), with the named context's own
 * credentials: its bearer token and its client certificate and CA. No port-forward, no kubectl.
 *
 * @param serverUrl the API server of the context, never the kubeconfig's current-context
 * @param token     the context's bearer token, if it uses one (never printed)
 * @param tls       the context's CA and client certificate, for an https server
 */
public record ApiServerRoute(String serverUrl, Optional<String> token, Optional<HttpEndpoint.Tls> tls) {

    /** Reads the kubeconfig and context the settings name; the same errors as {@link ClusterFactory}. */
    public static ApiServerRoute of(Settings settings) {
        Kubeconfig kubeconfig = Kubeconfig.load(settings);
        Config config = kubeconfig.fabric8Config(settings.readTimeout());
        Optional<String> token = Optional.ofNullable(config.getAutoOAuthToken()).or(() -> Optional.ofNullable(config.getOauthToken()))
                .filter(t -> !t.isBlank());
        Optional<HttpEndpoint.Tls> tls = Optional.empty();
        if (kubeconfig.serverUrl().startsWith("https:")) {
            try {
                TrustManager[] trust = SSLUtils.trustManagers(config);
                X509TrustManager x509 = trust == null ? null : Arrays.stream(trust)
                        .filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast).findFirst().orElse(null);
                if (x509 != null) {
                    tls = Optional.of(new HttpEndpoint.Tls(SSLUtils.sslContext(SSLUtils.keyManagers(config), trust)
                            .getSocketFactory(), x509));
                }
            } catch (Exception e) {
                throw new UserError("kubeconfig " + kubeconfig.path() + ", context " + kubeconfig.context()
                        + ": cannot use its certificates (" + Kubeconfig.reason(e)
                        + "); fix the kubeconfig or give the endpoint URLs explicitly");
            }
        }
        return new ApiServerRoute(kubeconfig.serverUrl(), token, tls);
    }

    /** The base URL of {@code service} ("name:port") in {@code namespace}, through the service proxy. */
    public String serviceUrl(String namespace, String service) {
        return proxyUrl(serverUrl, namespace, service);
    }

    /** {@code <server>/api/v1/namespaces/NS/services/SERVICE/proxy/}, for this route or a kubectl proxy. */
    public static String proxyUrl(String server, String namespace, String service) {
        return server.replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace + "/services/" + service + "/proxy/";
    }

    @Override
    public String toString() {
        return "ApiServerRoute[" + serverUrl + ", token " + (token.isPresent() ? "set" : "none") + "]";
    }
}
