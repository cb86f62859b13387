package dev.migrate.cli;

import dev.migrate.ExitCodes;
import dev.migrate.Json;
import dev.migrate.UserError;
import dev.migrate.bundle.Bundle;
import dev.migrate.bundle.DeployPlan;
import dev.migrate.bundle.ManifestObject;
import dev.migrate.bundle.Prepared;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `migrate deploy`: renders collector/ + manifests/ with the effective settings, validates the
 * bundle offline and prints the plan. The dry-run is the same render and validation the live
 * deploy runs, minus the cluster; it never opens a network connection.
 */
@Command(name = "deploy", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Render the collector, its Service, ServiceMonitor, alert rules and Grafana dashboard,",
                "validate them offline and print the plan: objects in apply order and every rule.",
                "Only --dry-run is available in this version; it needs no cluster and no network.",
                "",
                "Examples:",
                "  migrate deploy --dry-run",
                "  migrate deploy --dry-run --vip 10.10.30.23 --trusted-cidr 10.10.0.0/16 -o json",
                "  migrate deploy --dry-run --collector-config my-collector.yaml --show-manifests"},
        footer = {"", "Exit codes: 0 every rule passed, 1 a rule failed, 2 bad input (flags, settings, unreadable or malformed files)."})
public final class DeployCommand implements Callable<Integer>, SettingsOptions.FlagSource {
    @Option(names = "--dry-run",
            description = "Render and validate the bundle and print the plan; touch no cluster and no network.")
    boolean dryRun;

    @Option(names = "--vip", paramLabel = "IP",
            description = "LoadBalancer address to request from Cilium LB IPAM (default: 10.10.30.22).")
    String vip;

    @Option(names = "--trusted-cidr", paramLabel = "CIDR",
            description = "Client network allowed to reach the collector; repeat for several (replaces the default list).")
    List<String> trustedCidrs;

    @Option(names = "--collector-config", paramLabel = "FILE",
            description = "Your own collector config instead of the built-in collector/config.yaml (validated the same way).")
    Path collectorConfig;

    @Option(names = "--dashboard", paramLabel = "FILE",
            description = "Your own Grafana dashboard JSON instead of the built-in one (validated the same way).")
    Path dashboard;

    @Option(names = "--show-manifests",
            description = "Also print every rendered object in full (YAML in text output, under \"manifests\" in JSON).")
    boolean showManifests;

    @Mixin
    SettingsOptions settingsOptions;
    @Mixin
    KubeOptions kube;
    @Mixin
    OutputOptions output;

    @Override
    public void addFlags(Map<String, String> flags) {
        if (vip != null) {
            flags.put(SettingKeys.VIP.name(), vip);
        }
        if (trustedCidrs != null) {
            flags.put(SettingKeys.TRUSTED_CIDRS.name(), String.join(",", trustedCidrs));
        }
        if (collectorConfig != null) {
            flags.put(SettingKeys.COLLECTOR_CONFIG.name(), collectorConfig.toString());
        }
        if (dashboard != null) {
            flags.put(SettingKeys.DASHBOARD.name(), dashboard.toString());
        }
    }

    @Override
    public Integer call() throws Exception {
        // The live path (preflight, server-side apply, rollout wait) is wired in with the cluster
        // step: Prepared.of(settings), refuse on any failed rule, then apply prepared.bundle().
        // Until then only the dry-run exists, and nothing half-works.
        if (!dryRun) {
            throw new UserError("deploy: live deploy lands with the cluster step; use 'migrate deploy --dry-run' "
                    + "to render and validate the bundle");
        }
        Settings settings = settingsOptions.load(kube, this);
        Prepared prepared = Prepared.of(settings);
        DeployPlan plan = prepared.plan();
        print(plan, prepared.bundle());
        List<CheckResult> failures = plan.failures();
        if (!failures.isEmpty()) {
            CheckResult first = failures.get(0);
            throw new UserError(ExitCodes.FAILED, failures.size() + " of " + plan.rules().size() + " rules failed, first "
                    + first.name() + ": " + first.observed() + "; fix: " + first.fix());
        }
        return ExitCodes.OK;
    }

    private void print(DeployPlan plan, Bundle bundle) throws Exception {
        if (output.json()) {
            Map<String, Object> doc = plan.toJson();
            if (showManifests) {
                List<Map<String, Object>> bodies = new ArrayList<>();
                bundle.objects().forEach(o -> bodies.add(o.body()));
                doc.put("manifests", bodies);
            }
            System.out.println(Json.MAPPER.writeValueAsString(doc));
            return;
        }
        System.out.print(plan.toText());
        if (showManifests) {
            for (ManifestObject o : bundle.objects()) {
                System.out.println("---");
                System.out.print(Json.YAML.writeValueAsString(o.body()));
            }
        }
    }
}
