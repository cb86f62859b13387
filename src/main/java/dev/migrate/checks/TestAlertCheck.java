package dev.migrate.checks;

import dev.migrate.endpoints.AlertmanagerApi;
import dev.migrate.endpoints.AlertmanagerApi.Alert;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * kind test-alert (only with --test-alert): posts one clearly labelled alert to Alertmanager with a
 * short endsAt, then reads it back through GET /api/v2/alerts. Proves Alertmanager accepts and holds
 * alerts; routing to a receiver is up to its config. Once seen it is resolved (posted again with endsAt
 * now); if verify stops first, it ends by itself after {@code expiresAfter}. Fields: {@code alertname},
 * {@code expiresAfter}, {@code poll}.
 */
final class TestAlertCheck extends SpecCheck {
    TestAlertCheck(CheckSpec spec) {
        super(spec);
    }

    @Override
    public CheckResult run(CheckContext ctx) throws InterruptedException {
        if (!ctx.testAlert()) {
            throw new CheckContext.Missing("sends an alert only when asked: add --test-alert");
        }
        AlertmanagerApi am = ctx.alertmanager();
        String alertname = spec.text("alertname", "MigrateVerifyTestAlert");
        Duration expires = spec.duration("expiresAfter", Duration.ofMinutes(2));
        Duration poll = spec.duration("poll", Duration.ofMillis(250));
        String probeId = UUID.randomUUID().toString();
        Instant now = now(ctx);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname);
        labels.put("severity", "none");
        labels.put("source", "migrate-verify");
        labels.put("probe_id", probeId);
        Map<String, String> annotations = Map.of("summary", "Test alert sent by 'migrate verify --test-alert'; ignore it."
                + " It resolves itself.", "description", "Proves Alertmanager accepts alerts. Probe " + probeId);
        am.post(List.of(new Alert(labels, annotations, now, now.plus(expires), "")));
        long t0 = System.nanoTime();
        while (true) {
            List<Alert> seen = am.alerts(Map.of("probe_id", probeId));
            if (!seen.isEmpty()) {
                long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
                // Seen: resolve it now (same labels, endsAt now) rather than let it stand until expiresAfter.
                Instant end = now(ctx);
                am.post(List.of(new Alert(labels, annotations, now, end, "")));
                return pass(alertname + " (probe_id " + probeId + ") accepted and visible in " + ms + " ms, state "
                        + seen.get(0).state() + "; resolved again at " + end.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
            if (System.nanoTime() - t0 > timeout().toNanos() - poll.toNanos() * 2) {
                return fail("Alertmanager accepted " + alertname + " but GET /api/v2/alerts does not list probe_id " + probeId,
                        "the alert was dropped: an inhibit rule, or --alertmanager-url points at a different instance than"
                                + " the one that stores alerts (e.g. behind a load balancer of unclustered replicas)",
                        "check Alertmanager's config and that its replicas are clustered");
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
