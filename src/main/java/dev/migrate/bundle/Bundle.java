package dev.migrate.bundle;

import java.util.List;

/**
 * The rendered bundle: every object in apply order (config, workloads, Service, then monitors,
 * rules and dashboard), plus the sources it was rendered from, for validation and reports.
 *
 * @param objects         in apply order
 * @param collectorConfig the collector config YAML text that went into the ConfigMap
 * @param collectorOrigin where it came from ("built-in collector/config.yaml" or a path)
 * @param dashboardJson   the dashboard JSON text that went into its ConfigMap
 * @param dashboardOrigin where it came from
 */
public record Bundle(List<ManifestObject> objects, String collectorConfig, String collectorOrigin,
                     String dashboardJson, String dashboardOrigin) {
    public Bundle {
        objects = List.copyOf(objects);
    }
}
