package dev.migrate.checks;

import dev.migrate.endpoints.EndpointException;

/** Turns a typed endpoint failure into a failed check with its likely cause and fix. */
public final class EndpointFailures {
    private EndpointFailures() {
    }

    /** @param flag the flag that set the endpoint's URL ("--prometheus-url"), or "" */
    public static CheckResult toResult(String check, EndpointException e, String flag) {
        boolean proxied = flag.equals("--api-proxy");
        String url = flag.isEmpty() ? "the URL" : proxied ? "--api-proxy (kubectl proxy running, with the homelab's"
                + " kubeconfig and context? the service name and port in settings?)" : flag;
        String service = flag.isEmpty() || proxied ? "the service" : flag.replace("--", "").replace("-url", "");
        String token = service.equals("the service") ? "its token file" : "--" + service + "-token-file";
        return switch (e.kind()) {
            case UNREACHABLE -> CheckResult.fail(check, e.getMessage(), "nothing answers at " + e.endpoint(),
                    "check " + url + " (host, port, scheme) and that the service is exposed to this machine"
                            + " (e.g. kubectl port-forward or an ingress)");
            case TIMEOUT -> CheckResult.fail(check, e.getMessage(), "the endpoint is slow or a firewall drops packets",
                    "check " + url + " and the service's load; raise the check's timeout in checks/verify.yaml if it is just slow");
            case UNAUTHORIZED -> CheckResult.fail(check, e.getMessage(), "the endpoint wants credentials (401)",
                    "give a bearer token with " + token + " (or basic auth), never on the command line");
            case FORBIDDEN -> CheckResult.fail(check, e.getMessage(), "the credentials are not allowed to read this (403)",
                    "use a token with read access to " + service);
            case NOT_FOUND -> CheckResult.fail(check, e.getMessage(), "the API path does not exist at " + e.endpoint(),
                    "point " + url + " at the API root (no /graph, /explore or UI path; keep a proxy prefix if there is one)");
            case BAD_REQUEST -> CheckResult.fail(check, e.getMessage(), "the endpoint rejected the query",
                    "check the expression in the checks file or dashboard; it may use a metric or syntax this version lacks");
            case SERVER_ERROR -> CheckResult.fail(check, e.getMessage(), "the endpoint is failing (5xx)",
                    "look at the service's pod logs and status");
            case BAD_RESPONSE -> CheckResult.fail(check, e.getMessage(),
                    "the answer is not the API's JSON: " + url + " may point at a UI, a login page or a proxy",
                    "point " + url + " at the service's API address");
            case API_ERROR -> CheckResult.fail(check, e.getMessage(), "the API could not run the query",
                    "check the expression and the service's logs");
        };
    }
}
