package dev.migrate.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's memory, all derived from one setting (collector-memory-limit, the container's
 * limit) so that their order always holds: the memory_limiter refuses data (soft limit) well before
 * Go's GC works hard (GOMEMLIMIT), and both well before the kernel OOM-kills the container.
 * <p>
 * Why the headroom: memory_limiter measures the Go heap, not the process. Measured on the real
 * collector 0.149 (bench/collector-scale.sh, docs/benchmarks.md): its RSS peaked a third above the
 * limit_mib it was given (683 MiB with limit_mib 512 in a 600Mi container: killed in a cluster although the
 * limiter was on). So limit_mib stays at most {@link #MAX_LIMITER_SHARE} of the container limit,
 * and GOMEMLIMIT between the two.
 *
 * @param containerMib the container's memory limit (resources.limits.memory)
 * @param limitMib     memory_limiter limit_mib (hard limit: forced GC)
 * @param spikeMib     memory_limiter spike_limit_mib: data is refused from limitMib - spikeMib on
 * @param goMemLimitMib GOMEMLIMIT, the Go runtime's soft limit
 */
public record CollectorMemory(long containerMib, long limitMib, long spikeMib, long goMemLimitMib) {
    public static final String DEFAULT = "1Gi";
    /** limit_mib as a share of the container limit, as derived. */
    static final double LIMITER_SHARE = 0.70;
    /** The largest share of the container limit a limit_mib may have (the offline rule's headroom). */
    public static final double MAX_LIMITER_SHARE = 0.75;
    /** GOMEMLIMIT as a share of the container limit: above limit_mib, below the kernel's limit. */
    static final double GOMEMLIMIT_SHARE = 0.80;
    /** spike_limit_mib as a share of limit_mib (the memory_limiter's documented default, 20%). */
    static final double SPIKE_SHARE = 0.20;
    static final long MIN_MIB = 256;
    static final long MAX_MIB = 64 * 1024;
    private static final Pattern QUANTITY = Pattern.compile("(\\d{1,6})(Mi|Gi)");

    /** The sizing for a valid setting value (see {@link #problem}). */
    public static CollectorMemory of(String quantity) {
        long mib = mib(quantity);
        if (mib < 0) {
            throw new IllegalArgumentException(quantity + ": " + problem(quantity));
        }
        long limit = (long) Math.floor(mib * LIMITER_SHARE);
        return new CollectorMemory(mib, limit, (long) Math.floor(limit * SPIKE_SHARE), (long) Math.floor(mib * GOMEMLIMIT_SHARE));
    }

    /** Why the text is not a collector memory limit, or null. */
    static String problem(String raw) {
        Matcher m = QUANTITY.matcher(raw);
        if (!m.matches()) {
            return "not a memory limit as Kubernetes writes it in Mi or Gi (e.g. 1Gi, 1536Mi)";
        }
        long mib = Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
        if (mib < MIN_MIB) {
            return "below " + MIN_MIB + "Mi: the collector itself needs about 40Mi and the limiter refuses data from "
                    + Math.round(100 * LIMITER_SHARE * (1 - SPIKE_SHARE)) + "% of it (RUNBOOK: sizing by team size)";
        }
        return mib > MAX_MIB ? "above " + MAX_MIB / 1024 + "Gi: one collector holding that many series is past what "
                + "docs/scaling.md covers" : null;
    }

    /** MiB of a valid value, or -1. */
    private static long mib(String raw) {
        if (raw == null || problem(raw) != null) {
            return -1;
        }
        Matcher m = QUANTITY.matcher(raw);
        m.matches();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    /** The heap at which the memory_limiter starts refusing data (its soft limit). */
    public long refusesFromMib() {
        return limitMib - spikeMib;
    }

    /** GOMEMLIMIT as the Go runtime reads it. */
    public String goMemLimit() {
        return goMemLimitMib + "MiB";
    }

    /** One line for `migrate config` and deploy's plan. */
    public String summary() {
        return "container " + containerMib + "Mi, memory_limiter limit_mib " + limitMib + " (refuses data from "
                + refusesFromMib() + " MiB of heap), GOMEMLIMIT " + goMemLimit();
    }
}
