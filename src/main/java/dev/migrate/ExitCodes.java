package dev.migrate;

/** Process exit codes, shared by every subcommand so scripts can branch on them. */
public final class ExitCodes {
    /** Everything the command set out to do succeeded (or, for a plan, the plan was printed). */
    public static final int OK = 0;
    /** A check, rule, preflight, rollout or step failed. */
    public static final int FAILED = 1;
    /** Bad input: flags, settings, files. Nothing was changed. */
    public static final int USAGE = 2;
    /** Nothing failed, but at least one check could not decide (for example, no data yet). */
    public static final int INCONCLUSIVE = 3;
    /** A safety gate refused to go on (for example, retire without a passed soak). */
    public static final int REFUSED = 4;
    /** Stopped by the user (SIGINT); state is consistent and the step can be resumed. */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
