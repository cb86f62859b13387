package dev.migrate.cli;

import dev.migrate.settings.SettingKeys;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The settings of what deploy renders, as flags: deploy takes them to change the bundle, config to
 * show the effective settings with them (`migrate config --vip 10.10.30.23 -o json`), so both read
 * a flag the same way.
 */
public class BundleOptions implements SettingsOptions.FlagSource {
    @Option(names = "--vip", paramLabel = "IP",
            description = "LoadBalancer address to request from Cilium LB IPAM (default: 10.10.30.22).")
    String vip;

    @Option(names = "--trusted-cidr", paramLabel = "CIDR",
            description = "Client network allowed to reach the collector; repeat for several (replaces the default list).")
    List<String> trustedCidrs;

    @Option(names = "--collector-config", paramLabel = "FILE",
            description = "Your own collector config instead of the built-in collector/config.yaml (validated the same way).")
    Path collectorConfig;

    @Option(names = "--collector-memory-limit", paramLabel = "SIZE",
            description = "The collector container's memory limit, e.g. 2Gi (default: 1Gi); memory_limiter's limits and "
                    + "GOMEMLIMIT follow it. RUNBOOK: sizing by team size.")
    String collectorMemoryLimit;

    @Option(names = "--dashboard", paramLabel = "FILE",
            description = "Your own Grafana dashboard JSON instead of the built-in one (validated the same way).")
    Path dashboard;

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
        if (collectorMemoryLimit != null) {
            flags.put(SettingKeys.COLLECTOR_MEMORY_LIMIT.name(), collectorMemoryLimit);
        }
        if (dashboard != null) {
            flags.put(SettingKeys.DASHBOARD.name(), dashboard.toString());
        }
    }
}
