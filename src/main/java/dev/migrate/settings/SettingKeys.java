package dev.migrate.settings;

import dev.migrate.settings.SettingKey.Kind;

import java.util.List;

/**
 * Every setting the tool knows, with the homelab's values as defaults: namespace monitoring, collector
 * VIP 10.10.30.22 from the Cilium LB IPAM pool homelab-pool (10.10.30.20-10.10.30.99), the
 * kube-prometheus-stack and Loki service names, the old Compose project claude-monitoring.
 * Adding a setting is one line here plus an accessor in {@link Settings}.
 */
public final class SettingKeys {
    // Cluster
    public static final SettingKey KUBECONFIG = key("kubeconfig", "~/.kube/homelab.yaml", Kind.PATH,
            "kubeconfig file for the homelab (never the default ~/.kube/config silently)", false);
    public static final SettingKey CONTEXT = key("context", "", Kind.TEXT,
            "kubeconfig context to use; required for any cluster access, the current-context is never assumed", true);
    public static final SettingKey NAMESPACE = key("namespace", "monitoring", Kind.NAME,
            "namespace of the collector and of kube-prometheus-stack and Loki", true);
    public static final SettingKey VIP = key("vip", "10.10.30.22", Kind.IPV4,
            "LoadBalancer address requested for the collector through Cilium LB IPAM", true);
    public static final SettingKey LB_POOL = key("lb-pool", "10.10.30.20-10.10.30.99", Kind.IP_RANGE,
            "address range of the Cilium LB IPAM pool the VIP must come from", true);
    public static final SettingKey RESERVED_IPS = key("reserved-ips",
            "10.10.30.10,10.10.30.11,10.10.30.12,10.10.30.13,10.10.30.20,10.10.30.21,10.10.30.53", Kind.IPV4_LIST,
            "addresses already taken on the homelab network (API VIP, nodes, gateway, GitLab SSH, AdGuard)", true);
    public static final SettingKey TRUSTED_CIDRS = key("trusted-cidrs", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16",
            Kind.CIDR_LIST, "client networks allowed to reach the collector (loadBalancerSourceRanges)", true);
    public static final SettingKey EXPECTED_MACHINES = key("expected-machines", "", Kind.MACHINE_LIST,
            "machines (client-env --machine-name) verify's clients check expects data from; empty: whichever send", false);
    public static final SettingKey COLLECTOR_IMAGE = key("collector-image",
            "otel/opentelemetry-collector-contrib:0.149.0", Kind.IMAGE, "collector image, pinned to a version", true);
    public static final SettingKey COLLECTOR_MEMORY_LIMIT = key("collector-memory-limit", CollectorMemory.DEFAULT, Kind.MEMORY,
            "the collector container's memory limit (Mi or Gi); memory_limiter's limits and GOMEMLIMIT are derived from it"
                    + " (RUNBOOK: sizing by team size)", true);
    public static final SettingKey COLLECTOR_CONFIG = key("collector-config", "", Kind.PATH,
            "your own collector config instead of the built-in collector/config.yaml", true);
    public static final SettingKey DASHBOARD = key("dashboard", "", Kind.PATH,
            "your own Grafana dashboard JSON instead of the built-in one", true);
    public static final SettingKey PROMETHEUS_RELEASE = key("prometheus-release", "prometheus", Kind.NAME,
            "Helm release of kube-prometheus-stack (its selectors want release=<this>)", true);
    public static final SettingKey PROMETHEUS_SERVICE = key("prometheus-service",
            "prometheus-kube-prometheus-prometheus:9090", Kind.TEXT, "in-cluster Prometheus service:port", true);
    public static final SettingKey GRAFANA_SERVICE = key("grafana-service", "prometheus-grafana:80", Kind.TEXT,
            "in-cluster Grafana service:port", true);
    public static final SettingKey ALERTMANAGER_SERVICE = key("alertmanager-service",
            "prometheus-kube-prometheus-alertmanager:9093", Kind.TEXT, "in-cluster Alertmanager service:port", true);
    public static final SettingKey LOKI_SERVICE = key("loki-service", "loki:3100", Kind.TEXT,
            "in-cluster Loki service:port", true);
    public static final SettingKey LOKI_OTLP_ENDPOINT = key("loki-otlp-endpoint",
            "http://loki.monitoring.svc.cluster.local:3100/otlp", Kind.TEXT,
            "where the collector sends logs (Loki's native OTLP endpoint; the exporter appends /v1/logs)", true);
    public static final SettingKey PROMETHEUS_DATASOURCE_UID = key("prometheus-datasource-uid", "prometheus",
            Kind.TEXT, "Grafana datasource UID of Prometheus in the cluster", true);
    public static final SettingKey LOKI_DATASOURCE_UID = key("loki-datasource-uid", "loki", Kind.TEXT,
            "Grafana datasource UID of Loki in the cluster", true);
    public static final SettingKey DAILY_SPEND_ALERT_USD = key("daily-spend-alert-usd", "10", Kind.POSITIVE_NUMBER,
            "team spend (USD) over the last 24h above which ClaudeCodeDailySpendHigh (warning) fires", true);
    public static final SettingKey DAILY_SPEND_CRITICAL_USD = key("daily-spend-critical-usd", "25", Kind.POSITIVE_NUMBER,
            "team spend (USD) over the last 24h above which ClaudeCodeDailySpendCritical fires", true);
    public static final SettingKey HOURLY_SPEND_SPIKE_USD = key("hourly-spend-spike-usd", "5", Kind.POSITIVE_NUMBER,
            "team spend (USD) in one hour above which ClaudeCodeHourlySpendSpike fires", true);
    public static final SettingKey MONTHLY_BUDGET_USD = key("monthly-budget-usd", "200", Kind.POSITIVE_NUMBER,
            "monthly budget (USD): ClaudeCodeMonthlyBudgetForecast fires when 30 days at the last 7 days' pace exceed it", true);
    public static final SettingKey USER_DAILY_SPEND_USD = key("user-daily-spend-usd", "10", Kind.POSITIVE_NUMBER,
            "one user's spend (USD) over the last 24h above which ClaudeCodeUserDailySpendHigh fires", true);
    public static final SettingKey COST_COUNTER_RESETS_ALERT = key("cost-counter-resets-alert", "2", Kind.POSITIVE_NUMBER,
            "resets of one session's cost counter within an hour above which ClaudeCodeCostCounterResets fires", true);
    public static final SettingKey BUSINESS_HOURS = key("business-hours", "", Kind.HOUR_RANGE,
            "UTC hours START-END (e.g. 9-17), Monday to Friday, in which no spend for an hour fires"
                    + " ClaudeCodeNoActivityBusinessHours; empty: that alert is not deployed", true);
    public static final SettingKey BUSINESS_DAYS = key("business-days", "1-5", Kind.DAY_RANGE,
            "days of the week FIRST-LAST (0 Sunday .. 6 Saturday, UTC) of the business-hours alert", true);
    public static final SettingKey BILLING_DAY = key("billing-day", "1", Kind.DAY_OF_MONTH,
            "day of the month (1-28, UTC) the billing cycle starts: the dashboard's billing_day default", true);
    public static final SettingKey RECORDING_INTERVAL = key("recording-interval", "1m", Kind.RECORDING_INTERVAL,
            "how often the recording rules add up each interval's growth without session_id (the panels and spend"
                    + " alerts read those sums, so they lag by up to this much): 1s, 5s, 30s, 1m or 5m", true);
    public static final SettingKey RECORDING_QUERY_OFFSET = key("recording-query-offset", "30s", Kind.DURATION,
            "how far behind the clock the recording rules read (the group's query_offset): a scrape Prometheus appends"
                    + " after the evaluation its samples belong to would otherwise be missed; longer than a scrape takes", true);
    public static final SettingKey LOKI_RULER = key("loki-ruler", "false", Kind.BOOLEAN,
            "also deploy the Loki ruler rules (error ratio, retries exhausted, bypassPermissions) as a ConfigMap"
                    + " labelled loki_rule=1 for the Loki chart's rules sidecar", true);
    public static final SettingKey LOKI_ERROR_RATIO_ALERT = key("loki-error-ratio-alert", "0.05", Kind.POSITIVE_NUMBER,
            "share of API requests ending in api_error over 15m above which the Loki rule ClaudeCodeApiErrorRatioHigh fires", true);
    public static final SettingKey LOKI_RETRIES_EXHAUSTED_ALERT = key("loki-retries-exhausted-alert", "3",
            Kind.POSITIVE_NUMBER, "api_retries_exhausted events in an hour above which the Loki rule fires", true);

    // Local machine
    public static final SettingKey STATE_DIR = key("state-dir", ".migrate", Kind.PATH,
            "where each step records its outcome (the ledger) and its reports", false);
    public static final SettingKey CHECKS_DIR = key("checks-dir", "", Kind.PATH,
            "your own checks/ folder instead of the built-in expectations", true);
    public static final SettingKey PROMETHEUS_URL = key("prometheus-url", "", Kind.URL,
            "Prometheus API as this machine reaches it (e.g. through kubectl port-forward or an ingress)", false);
    public static final SettingKey LOKI_URL = key("loki-url", "", Kind.URL,
            "Loki API as this machine reaches it", false);
    public static final SettingKey GRAFANA_URL = key("grafana-url", "", Kind.URL,
            "Grafana as this machine reaches it", false);
    public static final SettingKey ALERTMANAGER_URL = key("alertmanager-url", "", Kind.URL,
            "Alertmanager API as this machine reaches it", false);
    public static final SettingKey LOKI_TENANT = key("loki-tenant", "", Kind.HEADER,
            "X-Scope-OrgID sent to a multi-tenant Loki; empty for a single-tenant Loki", false);

    // Soak
    public static final SettingKey SOAK_DURATION = key("soak-duration", "24h", Kind.DURATION,
            "how long the soak must observe the pipeline", true);
    public static final SettingKey SOAK_INTERVAL = key("soak-interval", "60s", Kind.DURATION,
            "time between soak cycles", true);
    public static final SettingKey SOAK_MAX_GAP = key("soak-max-gap", "5m", Kind.DURATION,
            "total unobserved time (sleep, crash, reboot) a soak may have and still pass", true);
    public static final SettingKey SOAK_IMAGE = key("soak-image", "", Kind.IMAGE,
            "image of this tool that `migrate soak --in-cluster` runs as a Job; no default: build it with -Psoak-image"
                    + " and push it where the cluster pulls from", false);

    // Retire
    public static final SettingKey COMPOSE_PROJECT = key("compose-project", "claude-monitoring", Kind.NAME,
            "Docker Compose project of the old stack (the compose directory's name)", false);
    public static final SettingKey BACKUP_DIR = key("backup-dir", "~/migrate-backups", Kind.PATH,
            "where retire archives the old stack's volumes", false);
    public static final SettingKey DOCKER_HOST = key("docker-host", "", Kind.TEXT,
            "Docker Engine endpoint; empty means DOCKER_HOST or the docker CLI's current context", false);

    // Bounds on every connection and answer (dev.migrate.io.Limits)
    public static final SettingKey CONNECT_TIMEOUT = key("connect-timeout", "5s", Kind.DURATION,
            "longest TCP/TLS connect to the API server, Docker, Prometheus, Loki, Grafana or Alertmanager", false);
    public static final SettingKey READ_TIMEOUT = key("read-timeout", "60s", Kind.DURATION,
            "longest silence on an open connection before it is given up (API server, Docker, HTTP endpoints);"
                    + " also how long one API server request is asked again while the server restarts", false);
    public static final SettingKey MAX_RESPONSE_SIZE = key("max-response-size", "64MiB", Kind.SIZE,
            "largest answer body read from any server; a larger one is refused, never buffered", false);

    // Record and backport (migrate record, migrate backport): documentation and the Compose stack, not
    // what the pipeline is, so none of them is in the settings digest.
    public static final SettingKey VIP_DNS_NAME = key("vip-dns-name", "", Kind.DNS_NAME,
            "DNS name of the collector VIP for the record's tables (e.g. otel.k8s.example.com); empty: none", false);
    public static final SettingKey RECORD_VERSION = key("record-version", "0.15.0", Kind.SEMVER,
            "version of the homelab release the record documents (semver; names rebuild-<version>-claude-monitoring.md)", false);
    public static final SettingKey BACKPORT_PROMETHEUS_IMAGE = key("backport-prometheus-image", "prom/prometheus:v3.10.0",
            Kind.IMAGE, "Prometheus image of the Compose backport, pinned", false);
    public static final SettingKey BACKPORT_GRAFANA_IMAGE = key("backport-grafana-image", "grafana/grafana:12.1.1",
            Kind.IMAGE, "Grafana image of the Compose backport, pinned", false);
    public static final SettingKey BACKPORT_LOKI_IMAGE = key("backport-loki-image", "grafana/loki:3.6.3",
            Kind.IMAGE, "Loki image of the Compose backport, pinned", false);
    public static final SettingKey BACKPORT_PROMETHEUS_RETENTION = key("backport-prometheus-retention", "200h",
            Kind.DURATION, "how long the backport's Prometheus keeps data (v1.1.1 kept 200h)", false);
    public static final SettingKey BACKPORT_LOKI_RETENTION = key("backport-loki-retention", "744h", Kind.DURATION,
            "how long the backport's Loki keeps events (retention_period)", false);

    public static final List<SettingKey> ALL = List.of(
            KUBECONFIG, CONTEXT, NAMESPACE, VIP, LB_POOL, RESERVED_IPS, TRUSTED_CIDRS, EXPECTED_MACHINES, COLLECTOR_IMAGE,
            COLLECTOR_MEMORY_LIMIT, COLLECTOR_CONFIG, DASHBOARD, PROMETHEUS_RELEASE, PROMETHEUS_SERVICE, GRAFANA_SERVICE,
            ALERTMANAGER_SERVICE, LOKI_SERVICE, LOKI_OTLP_ENDPOINT, PROMETHEUS_DATASOURCE_UID,
            LOKI_DATASOURCE_UID, DAILY_SPEND_ALERT_USD, DAILY_SPEND_CRITICAL_USD, HOURLY_SPEND_SPIKE_USD,
            MONTHLY_BUDGET_USD, USER_DAILY_SPEND_USD, COST_COUNTER_RESETS_ALERT, BUSINESS_HOURS, BUSINESS_DAYS, BILLING_DAY, RECORDING_INTERVAL, RECORDING_QUERY_OFFSET, LOKI_RULER,
            LOKI_ERROR_RATIO_ALERT, LOKI_RETRIES_EXHAUSTED_ALERT, STATE_DIR, CHECKS_DIR, PROMETHEUS_URL, LOKI_URL, GRAFANA_URL,
            ALERTMANAGER_URL, LOKI_TENANT, SOAK_DURATION, SOAK_INTERVAL, SOAK_MAX_GAP, SOAK_IMAGE,
            COMPOSE_PROJECT, BACKUP_DIR, DOCKER_HOST,
            CONNECT_TIMEOUT, READ_TIMEOUT, MAX_RESPONSE_SIZE,
            VIP_DNS_NAME, RECORD_VERSION, BACKPORT_PROMETHEUS_IMAGE, BACKPORT_GRAFANA_IMAGE, BACKPORT_LOKI_IMAGE,
            BACKPORT_PROMETHEUS_RETENTION, BACKPORT_LOKI_RETENTION);

    private SettingKeys() {
    }

    private static SettingKey key(String name, String def, Kind kind, String description, boolean digested) {
        return new SettingKey(name, def, kind, description, digested);
    }

    public static java.util.Optional<SettingKey> byName(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }
}
