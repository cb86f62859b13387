package dev.migrate.checks;

import okhttp3.HttpUrl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kind tcp-reachable: a TCP connect to the OTLP gRPC and HTTP ports of the VIP, with the connect
 * latency. Proves this machine reaches the collector's Service; not that it speaks OTLP (the round
 * trip does that). Fields: {@code maxLatency} (default 500ms).
 */
final class VipReachableCheck extends SpecCheck {
    VipReachableCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) {
        Duration maxLatency = spec.duration("maxLatency", Duration.ofMillis(500));
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("otlp-grpc", ctx.otlp().grpcEndpoint());
        endpoints.put("otlp-http", ctx.otlp().httpEndpoint());
        List<String> seen = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        int connectTimeout = (int) Math.min(timeout().toMillis(), 3000);
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            HttpUrl url = HttpUrl.parse(e.getValue());
            String where = url.host() + ":" + url.port();
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(url.host(), url.port()), connectTimeout);
                long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                seen.add(e.getKey() + " " + where + " open in " + ms + " ms");
                if (ms > maxLatency.toMillis()) {
                    slow.add(where);
                }
            } catch (SocketTimeoutException timeout) {
                closed.add(e.getKey() + " " + where + " no answer within " + connectTimeout + " ms");
            } catch (IOException refused) {
                closed.add(e.getKey() + " " + where + " " + refused.getMessage());
            }
        }
        seen.addAll(closed);
        String observed = String.join("; ", seen);
        if (!closed.isEmpty()) {
            return fail(observed, "the collector's Service does not accept connections on this address"
                            + " (no LoadBalancer IP yet, L2 announcement missing, wrong VIP, or a firewall/loadBalancerSourceRanges"
                            + " excluding this machine)",
                    "check 'kubectl -n " + ctx.namespace() + " get svc otel-collector' shows EXTERNAL-IP " + ctx.vip()
                            + ", that this machine's network is in trusted-cidrs, and --otlp-endpoint");
        }
        if (!slow.isEmpty()) {
            return fail(observed, "connect latency above " + dev.migrate.settings.Values.format(maxLatency) + " to " + slow,
                    "check the network path to the VIP (Wi-Fi, VPN), or raise maxLatency in checks/verify.yaml");
        }
        return pass(observed);
    }
}
