package dev.migrate.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for setting values. Each returns null when the text is acceptable and a short reason
 * otherwise ({@link #problem}), and a typed value for valid text. Shared by the settings loader and
 * by any flag that takes the same kind of value.
 */
public final class Values {
    /** A machine.name resource attribute client-env writes: no spaces, commas, '=' or quotes (they would split it). */
    public static final java.util.regex.Pattern MACHINE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, optional -pre-release and +build, no leading zeros. */
    private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");
    private static final Pattern HOURS = Pattern.compile("(\\d{1,2})-(\\d{1,2})");
    private static final Pattern IMAGE = Pattern.compile("[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})");

    private Values() {
    }

    /** Why {@code raw} is not acceptable as {@code kind}, or null if it is. */
    public static String problem(SettingKey.Kind kind, String raw) {
        if (raw.isEmpty()) {
            return null; // "not set" is decided by the code that needs the value
        }
        int control = firstControl(raw);
        if (control >= 0) {
            return "not one line of text: it holds a control character (" + String.format("U+%04X", (int) raw.charAt(control))
                    + " at position " + (control + 1) + ", e.g. a newline or a NUL byte)";
        }
        return switch (kind) {
            case TEXT -> null;
            case PATH -> pathProblem(raw);
            case NAME -> DNS_LABEL.matcher(raw).matches() ? null
                    : "not a valid name (lower-case letters, digits and '-', at most 63 characters)";
            case IPV4 -> ipv4(raw) >= 0 ? null : "not an IPv4 address (expected four numbers 0-255, e.g. 10.10.30.22)";
            case IPV4_LIST -> firstBad(list(raw), s -> ipv4(s) >= 0, "is not an IPv4 address");
            case CIDR_LIST -> firstBad(list(raw), Values::isCidr, "is not an IPv4 CIDR such as 10.10.0.0/16");
            case MACHINE_LIST -> firstBad(list(raw), s -> MACHINE_NAME.matcher(s).matches(), "is not a machine name (letters,"
                    + " digits, '.', '_' and '-', at most 63 characters, as 'migrate client-env --machine-name' takes)");
            case IP_RANGE -> range(raw) != null ? null
                    : "not an address range (expected FIRST-LAST, e.g. 10.10.30.20-10.10.30.99, FIRST <= LAST)";
            case DURATION -> durationProblem(raw);
            case RECORDING_INTERVAL -> recordingIntervalProblem(raw);
            case NUMBER -> numberProblem(raw);
            case SIZE -> size(raw) > 0 ? null : "not a size (expected e.g. 512KiB, 64MiB, 1GiB; more than 0, at most 4GiB)";
            case POSITIVE_NUMBER -> positiveNumberProblem(raw);
            case DAY_OF_MONTH -> raw.matches("[1-9]|1\\d|2[0-8]") ? null
                    : "not a day of the month from 1 to 28 (every month has it)";
            case HOUR_RANGE -> hours(raw) != null ? null : "not an hour range (expected START-END in UTC hours 0-24, START < END, e.g. 9-17)";
            case DAY_RANGE -> hours(raw) != null && hours(raw)[1] <= 6 || raw.matches("[0-6]-[0-6]") && raw.charAt(0) == raw.charAt(2)
                    ? null : "not a range of weekdays (expected FIRST-LAST, 0 Sunday .. 6 Saturday, e.g. 1-5)";
            case BOOLEAN -> raw.equals("true") || raw.equals("false") ? null : "not true or false";
            case IMAGE -> IMAGE.matcher(raw).matches() && !raw.endsWith(":latest") ? null
                    : "not a pinned image reference (expected repo/name:version or @sha256:..., never :latest)";
            case SEMVER -> SEMVER.matcher(raw).matches() ? null : "not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 0.15.0)";
            case DNS_NAME -> isDnsName(raw) ? null
                    : "not a DNS name (expected dot-separated lower-case labels, e.g. otel.k8s.example.com)";
            case URL -> urlProblem(raw);
            case MEMORY -> CollectorMemory.problem(raw);
            case HEADER -> firstNonAscii(raw) < 0 ? null : "not printable ASCII: it holds "
                    + String.format("U+%04X", (int) raw.charAt(firstNonAscii(raw))) + " at position " + (firstNonAscii(raw) + 1)
                    + ", and an HTTP header carries only ASCII";
        };
    }

    /** A path the JVM cannot represent: with LANG=C, a non-ASCII name is an InvalidPathException, not a path. */
    private static String pathProblem(String raw) {
        try {
            path(raw);
            return null;
        } catch (java.nio.file.InvalidPathException e) {
            return "not a path this system can use (" + e.getReason() + "; file names are encoded as "
                    + System.getProperty("sun.jnu.encoding", "?") + ": run with a UTF-8 locale such as LANG=C.UTF-8, or rename)";
        }
    }

    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

    /** {@code url} with any user:password@ replaced by ***@, for messages and listings. */
    public static String maskUrl(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1***@");
    }

    private static String urlProblem(String raw) {
        if (!raw.equals(maskUrl(raw))) {
            return "a URL with credentials in it; do not put credentials in the URL (they would show in `ps` and reports):"
                    + " use the matching --*-token-file or --*-basic-auth-file, or MIGRATE_*_TOKEN / MIGRATE_*_BASIC_AUTH";
        }
        return null; // the scheme and host are checked where the URL is used, naming the same source
    }

    /** The index of the first character outside printable ASCII (0x20..0x7e), or -1. */
    public static int firstNonAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first C0 control character or DEL in {@code text}, or -1. */
    public static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    private static String firstBad(List<String> items, java.util.function.Predicate<String> ok, String what) {
        for (String item : items) {
            if (!ok.test(item)) {
                return "'" + item + "' " + what;
            }
        }
        return null;
    }

    /** Comma-separated text to a list, blanks dropped. */
    public static List<String> list(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** The address as an unsigned 32-bit number, or -1 if it is not dotted-quad IPv4. */
    public static long ipv4(String text) {
        Matcher m = IPV4.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255 || (m.group(i).length() > 1 && m.group(i).startsWith("0"))) {
                return -1;
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static boolean isCidr(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length != 2 || ipv4(parts[0]) < 0 || !parts[1].matches("\\d{1,2}")) {
            return false;
        }
        return Integer.parseInt(parts[1]) <= 32;
    }

    /** Whether {@code ip} lies inside {@code cidr}; both must already be valid. */
    public static boolean cidrContains(String cidr, String ip) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (ipv4(parts[0]) & mask) == (ipv4(ip) & mask);
    }

    /** An inclusive IPv4 range. */
    public record IpRange(String first, String last) {
        public boolean contains(String ip) {
            long v = ipv4(ip);
            return v >= ipv4(first) && v <= ipv4(last);
        }

        @Override
        public String toString() {
            return first + "-" + last;
        }
    }

    public static IpRange range(String text) {
        String[] parts = text.split("-", -1);
        if (parts.length != 2) {
            return null;
        }
        String first = parts[0].trim();
        String last = parts[1].trim();
        long a = ipv4(first);
        long b = ipv4(last);
        return a >= 0 && b >= 0 && a <= b ? new IpRange(first, last) : null;
    }

    /** The longest duration any setting, flag or checks file may give: beyond it a value is a typo, not a plan. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);

    /** "90s", "15m", "24h", "2d", "500ms" to a Duration, or null (also for values past {@link #MAX_DURATION}). */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 12) {
            return null; // 12 digits are already far beyond MAX_DURATION in any unit; more would overflow a long
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return d.compareTo(MAX_DURATION) > 0 ? null : d;
    }

    /** The recording intervals every step Grafana picks for a panel (1m, 2m, 5m, 10m ... 1d) is a whole multiple of. */
    public static final List<String> RECORDING_INTERVALS = List.of("1s", "5s", "30s", "1m", "5m");

    /**
     * Why {@code raw} cannot be the recording rules' interval, or null. The rules record the growth of each
     * interval and the panels add them up per step, so every step Grafana rounds a panel's interval to
     * (5s, 10s, 15s, 20s, 30s, 1m, 2m, 5m, 10m, 15m, 20m, 30m, 1h ...) at or above it must be a whole number of
     * intervals; past 5m a panel would lag more than Prometheus' own lookback.
     */
    public static String recordingIntervalProblem(String raw) {
        return RECORDING_INTERVALS.contains(raw.trim()) ? null
                : "not a recording interval (one of " + String.join(", ", RECORDING_INTERVALS)
                + ": the steps of a panel must be whole multiples of it)";
    }

    /**
     * Why {@code raw} is not a usable duration, or null: the one wording every flag, environment
     * variable, settings key and checks file uses ("must be positive" for 0, a bound for overflow).
     */
    public static String durationProblem(String raw) {
        String t = raw.trim();
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            return "not a duration (expected a whole number and a unit ms, s, m, h or d, e.g. 90s, 15m, 24h, 2d)";
        }
        if (m.group(1).chars().allMatch(c -> c == '0')) {
            return "zero; a duration must be positive (e.g. 90s, 15m, 24h)";
        }
        if (duration(t) == null) {
            return "too long; at most " + MAX_DURATION.toDays() + "d";
        }
        return null;
    }

    /**
     * The positive duration {@code raw}, or a UserError "SOURCE 'RAW' is PROBLEM" naming where it came
     * from (a flag such as "--timeout", "env MIGRATE_X", "migrate.yaml:3").
     */
    public static Duration positiveDuration(String source, String raw) {
        String problem = durationProblem(raw);
        if (problem != null) {
            throw new dev.migrate.UserError(source + " '" + raw + "' is " + problem);
        }
        return duration(raw);
    }

    /** The largest number a threshold may be: anything above is a typo (or Infinity), an alert that never fires. */
    public static final double MAX_NUMBER = 1e12;

    /** Why {@code raw} is not a finite, positive, sane number (an alert threshold, a budget), or null. */
    public static String positiveNumberProblem(String raw) {
        String problem = numberProblem(raw);
        if (problem != null && problem.startsWith("too large")) {
            return problem;
        }
        return problem == null && Double.parseDouble(raw.trim()) > 0 ? null
                : "not a positive number (e.g. 10 or 0.05; plain digits, no exponent, Infinity or NaN)";
    }

    /** Why {@code raw} is not a finite, non-negative, sane number, or null. */
    public static String numberProblem(String raw) {
        String t = raw.trim();
        if (!t.matches("[0-9]{1,30}(\\.[0-9]{1,30})?")) {
            return "not a plain non-negative number (digits with an optional decimal point, e.g. 10 or 2.5;"
                    + " no exponent, Infinity or NaN)";
        }
        double v = Double.parseDouble(t);
        return v > MAX_NUMBER ? "too large; at most " + (long) MAX_NUMBER : null;
    }

    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})(B|KiB|MiB|GiB)");
    /** The largest byte size a limit may be set to. */
    public static final long MAX_SIZE = 4L << 30;

    /** "64MiB" to bytes; -1 when it is not a size, 0 or above {@link #MAX_SIZE}. */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        if (n == 0 || n > MAX_SIZE / unit) {
            return -1;
        }
        return n * unit;
    }

    /** Bytes as the largest whole unit, e.g. 1048576 as "1MiB", for messages. */
    public static String formatSize(long bytes) {
        for (String[] u : new String[][] {{"GiB", "30"}, {"MiB", "20"}, {"KiB", "10"}}) {
            long unit = 1L << Integer.parseInt(u[1]);
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + u[0];
            }
        }
        return bytes + "B";
    }

    /** The shortest of ms/s/m/h that {@link #duration} reads back; hours, not days, as operators say "24h". */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (d.toMillisPart() != 0 || s == 0) {
            return d.toMillis() + "ms";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static boolean isDnsName(String text) {
        if (text.length() > 253 || text.endsWith(".")) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (!DNS_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** "9-17" to {9, 17} (start inclusive, end exclusive for hours; both inclusive for days), or null. */
    public static int[] hours(String text) {
        Matcher m = HOURS.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        int start = Integer.parseInt(m.group(1));
        int end = Integer.parseInt(m.group(2));
        return start < end && end <= 24 ? new int[] {start, end} : null;
    }

    /** Expands a leading ~ to the user's home directory. */
    public static Path path(String text) {
        if (text.equals("~") || text.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + text.substring(1));
        }
        return Path.of(text);
    }
}
