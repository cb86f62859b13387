package dev.migrate.settings;

import dev.migrate.Digests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effective settings: every key's raw text (already validated by {@link SettingsLoader}) and
 * where it came from. Accessors parse on demand; the raw map is the single source of truth.
 */
public final class Settings {
    private final Map<String, String> values;
    private final Map<String, Provenance> provenance;
    private final Optional<Path> file;

    Settings(Map<String, String> values, Map<String, Provenance> provenance) {
        this(values, provenance, Optional.empty());
    }

    Settings(Map<String, String> values, Map<String, Provenance> provenance, Optional<Path> file) {
        this.values = Map.copyOf(values);
        this.provenance = Map.copyOf(provenance);
        this.file = file;
    }

    /** The settings file that was read (migrate.yaml, --config or $MIGRATE_CONFIG), if any: never a report's target. */
    public Optional<Path> file() {
        return file;
    }

    /** The built-in defaults alone, for tests and for the dry-run without a migrate.yaml. */
    public static Settings defaults() {
        return SettingsLoader.load(Optional.empty(), Map.of(), Map.of());
    }

    /** A copy with some keys overridden as if by flags. Keys and values are validated as in load. */
    public Settings with(Map<String, String> flags) {
        return SettingsLoader.overlay(this, flags);
    }

    public String raw(SettingKey key) {
        return values.get(key.name());
    }

    public Provenance provenance(SettingKey key) {
        return provenance.get(key.name());
    }

    Map<String, String> values() {
        return values;
    }

    Map<String, Provenance> provenances() {
        return provenance;
    }

    public Optional<Path> kubeconfig() {
        return optionalPath(SettingKeys.KUBECONFIG);
    }

    public Optional<String> context() {
        return optionalText(SettingKeys.CONTEXT);
    }

    public String namespace() {
        return raw(SettingKeys.NAMESPACE);
    }

    public String vip() {
        return raw(SettingKeys.VIP);
    }

    /**
     * Why the VIP cannot be the collector's address, or empty: outside lb-pool (Cilium never assigns
     * it) or one of reserved-ips (already in use on the LAN). Deploy fails its bundle rule on it; a
     * command that hands the VIP to someone else (client-env) refuses it the same way.
     */
    public Optional<String> vipProblem() {
        String vip = vip();
        String named = SettingKeys.VIP.name() + " (" + provenance(SettingKeys.VIP).describe() + ") " + vip;
        if (!lbPool().contains(vip)) {
            return Optional.of(named + " is outside " + SettingKeys.LB_POOL.name() + " ("
                    + provenance(SettingKeys.LB_POOL).describe() + ") " + lbPool());
        }
        if (reservedIps().contains(vip)) {
            return Optional.of(named + " is one of " + SettingKeys.RESERVED_IPS.name() + " ("
                    + provenance(SettingKeys.RESERVED_IPS).describe() + ")");
        }
        return Optional.empty();
    }

    public Values.IpRange lbPool() {
        return Values.range(raw(SettingKeys.LB_POOL));
    }

    public List<String> reservedIps() {
        return Values.list(raw(SettingKeys.RESERVED_IPS));
    }

    public List<String> trustedCidrs() {
        return Values.list(raw(SettingKeys.TRUSTED_CIDRS));
    }

    public List<String> expectedMachines() {
        return Values.list(raw(SettingKeys.EXPECTED_MACHINES));
    }

    public String collectorImage() {
        return raw(SettingKeys.COLLECTOR_IMAGE);
    }

    /** The collector's memory: the container limit and what is derived from it. */
    public CollectorMemory collectorMemory() {
        return CollectorMemory.of(raw(SettingKeys.COLLECTOR_MEMORY_LIMIT));
    }

    /** Empty means the built-in collector/config.yaml. */
    public Optional<Path> collectorConfig() {
        return optionalPath(SettingKeys.COLLECTOR_CONFIG);
    }

    /** Empty means the built-in dashboard. */
    public Optional<Path> dashboard() {
        return optionalPath(SettingKeys.DASHBOARD);
    }

    public String prometheusRelease() {
        return raw(SettingKeys.PROMETHEUS_RELEASE);
    }

    public String prometheusService() {
        return raw(SettingKeys.PROMETHEUS_SERVICE);
    }

    public String grafanaService() {
        return raw(SettingKeys.GRAFANA_SERVICE);
    }

    public String alertmanagerService() {
        return raw(SettingKeys.ALERTMANAGER_SERVICE);
    }

    public String lokiService() {
        return raw(SettingKeys.LOKI_SERVICE);
    }

    public String lokiOtlpEndpoint() {
        return raw(SettingKeys.LOKI_OTLP_ENDPOINT);
    }

    public String prometheusDatasourceUid() {
        return raw(SettingKeys.PROMETHEUS_DATASOURCE_UID);
    }

    /** The recording rules' group interval, as written (e.g. "1m"): the rules and the panels use it as a range. */
    public String recordingInterval() {
        return raw(SettingKeys.RECORDING_INTERVAL);
    }

    public String lokiDatasourceUid() {
        return raw(SettingKeys.LOKI_DATASOURCE_UID);
    }

    public double dailySpendAlertUsd() {
        return Double.parseDouble(raw(SettingKeys.DAILY_SPEND_ALERT_USD));
    }

    /** The business-hours alert's UTC hours {start, end}; empty when the alert is off. */
    public Optional<int[]> businessHours() {
        return optionalText(SettingKeys.BUSINESS_HOURS).map(Values::hours);
    }

    /** The business-hours alert's weekdays {first, last}, 0 = Sunday. */
    public int[] businessDays() {
        String raw = raw(SettingKeys.BUSINESS_DAYS);
        int[] range = Values.hours(raw);
        return range != null ? range : new int[] {raw.charAt(0) - '0', raw.charAt(0) - '0'};
    }

    public boolean lokiRuler() {
        return Boolean.parseBoolean(raw(SettingKeys.LOKI_RULER));
    }

    public Path stateDir() {
        return path(SettingKeys.STATE_DIR);
    }

    /** Empty means the built-in checks/. */
    public Optional<Path> checksDir() {
        return optionalPath(SettingKeys.CHECKS_DIR);
    }

    /** Empty when not set: checks that need it are skipped. */
    public Optional<String> prometheusUrl() {
        return optionalText(SettingKeys.PROMETHEUS_URL);
    }

    public Optional<String> lokiUrl() {
        return optionalText(SettingKeys.LOKI_URL);
    }

    public Optional<String> grafanaUrl() {
        return optionalText(SettingKeys.GRAFANA_URL);
    }

    public Optional<String> alertmanagerUrl() {
        return optionalText(SettingKeys.ALERTMANAGER_URL);
    }

    public Optional<String> lokiTenant() {
        return optionalText(SettingKeys.LOKI_TENANT);
    }

    public Duration soakDuration() {
        return Values.duration(raw(SettingKeys.SOAK_DURATION));
    }

    public Duration soakInterval() {
        return Values.duration(raw(SettingKeys.SOAK_INTERVAL));
    }

    public Duration soakMaxGap() {
        return Values.duration(raw(SettingKeys.SOAK_MAX_GAP));
    }

    public String soakImage() {
        return raw(SettingKeys.SOAK_IMAGE);
    }

    public String composeProject() {
        return raw(SettingKeys.COMPOSE_PROJECT);
    }

    public Path backupDir() {
        return path(SettingKeys.BACKUP_DIR);
    }

    public Optional<String> dockerHost() {
        return optionalText(SettingKeys.DOCKER_HOST);
    }

    public Duration connectTimeout() {
        return Optional.ofNullable(Values.duration(raw(SettingKeys.CONNECT_TIMEOUT))).orElse(Duration.ofSeconds(5));
    }

    public Duration readTimeout() {
        return Optional.ofNullable(Values.duration(raw(SettingKeys.READ_TIMEOUT))).orElse(Duration.ofSeconds(60));
    }

    public long maxResponseSize() {
        long size = Values.size(raw(SettingKeys.MAX_RESPONSE_SIZE));
        return size > 0 ? size : 64L << 20;
    }

    // Record and backport
    public Optional<String> vipDnsName() {
        return optionalText(SettingKeys.VIP_DNS_NAME);
    }

    public String recordVersion() {
        return raw(SettingKeys.RECORD_VERSION);
    }

    public String backportPrometheusImage() {
        return raw(SettingKeys.BACKPORT_PROMETHEUS_IMAGE);
    }

    public String backportGrafanaImage() {
        return raw(SettingKeys.BACKPORT_GRAFANA_IMAGE);
    }

    public String backportLokiImage() {
        return raw(SettingKeys.BACKPORT_LOKI_IMAGE);
    }

    public Duration backportPrometheusRetention() {
        return Values.duration(raw(SettingKeys.BACKPORT_PROMETHEUS_RETENTION));
    }

    public Duration backportLokiRetention() {
        return Values.duration(raw(SettingKeys.BACKPORT_LOKI_RETENTION));
    }

    /**
     * SHA-256 over the digested keys, in a fixed order: what a soak proved and what retire trusts.
     * Local places (state directory, kubeconfig path, backup directory) are left out.
     */
    public String digest() {
        StringBuilder canonical = new StringBuilder();
        for (SettingKey key : SettingKeys.ALL) {
            if (key.digested()) {
                canonical.append(key.name()).append('=').append(values.get(key.name())).append('\n');
            }
        }
        return Digests.shortSha256(canonical.toString());
    }

    private Optional<String> optionalText(SettingKey key) {
        String v = raw(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private Optional<Path> optionalPath(SettingKey key) {
        return optionalText(key).map(v -> path(key));
    }

    /**
     * A path setting as a path: a relative one from a settings file is relative to that file's
     * directory (`--config ../proj/migrate.yaml` with `collector-config: my.yaml` means
     * ../proj/my.yaml), as it is in docker-compose or kubeconfig files; from a flag or the
     * environment it is relative to the working directory.
     */
    public Path path(SettingKey key) {
        Path p = Values.path(raw(key));
        Provenance from = provenance(key);
        if (p.isAbsolute() || from == null || from.source() != Source.FILE) {
            return p;
        }
        Path dir = Path.of(from.detail()).getParent();
        return dir == null ? p : dir.resolve(p).normalize();
    }

    /** The value as `config` shows it: paths resolved as they will be used, URLs without credentials. */
    public String shown(SettingKey key) {
        String v = raw(key);
        if (v.isEmpty()) {
            return v;
        }
        return switch (key.kind()) {
            case PATH -> path(key).toString().equals(Values.path(v).toString()) ? v : path(key).toString();
            case URL -> Values.maskUrl(v);
            default -> v;
        };
    }
}
