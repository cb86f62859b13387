package dev.migrate.settings;

import java.util.Locale;

/**
 * One configurable value: its name in migrate.yaml, its default, and how its text is checked.
 *
 * @param name         the key in migrate.yaml, kebab-case
 * @param defaultValue the built-in default as text; empty means "not set"
 * @param kind         how the raw text is validated and parsed
 * @param description  one line for `migrate config` and the README
 * @param digested     whether it belongs to the settings digest (what a soak proved);
 *                     places on this machine such as the state directory do not
 */
public record SettingKey(String name, String defaultValue, Kind kind, String description, boolean digested) {

    /** How a raw value is checked. Lists are comma-separated in env and flags, YAML lists in the file. */
    public enum Kind { TEXT, NAME, IPV4, IPV4_LIST, CIDR_LIST, MACHINE_LIST, IP_RANGE, PATH, DURATION, NUMBER, POSITIVE_NUMBER, DAY_OF_MONTH,
        HOUR_RANGE, DAY_RANGE, BOOLEAN, IMAGE, SIZE, SEMVER, DNS_NAME,
        /** A container memory limit as Kubernetes writes it, in Mi or Gi (see {@link CollectorMemory}). */
        MEMORY,
        /** The recording rules' interval: one whose multiples are every step Grafana gives a panel (Values.RECORDING_INTERVALS). */
        RECORDING_INTERVAL,
        /** An http(s) base URL without credentials (they would show in `ps`, `config` and reports). */
        URL,
        /** Sent as an HTTP header value: printable ASCII only (a CR LF would inject a header). */
        HEADER }

    /** The environment variable that overrides this key: MIGRATE_ plus the name in upper snake case. */
    public String envVar() {
        return "MIGRATE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
