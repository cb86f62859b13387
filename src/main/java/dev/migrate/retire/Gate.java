package dev.migrate.retire;

import dev.migrate.checks.CheckResult;
import dev.migrate.checks.Status;
import dev.migrate.ledger.Ledger;
import dev.migrate.ledger.StepRecord;
import dev.migrate.settings.SettingKeys;
import dev.migrate.settings.Settings;
import dev.migrate.settings.Values;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Step 2: retire goes on only if the new pipeline passed a soak at least as long as configured,
 * with the settings in force now, and verify's checks pass right now. {@code --force} overrides
 * (the reason goes to the ledger); the checks are still run and recorded.
 */
public final class Gate {
    /** Detail keys soak writes into its ledger record. */
    public static final String SOAK_DURATION_SECONDS = "durationSeconds";

    private Gate() {
    }

    /**
     * @param results  what the gate looked at, one result per condition
     * @param forced   the operator overrode a refusal with --force
     * @param reason   the operator's --reason, empty unless forced
     */
    public record Verdict(List<CheckResult> results, boolean forced, String reason) {
        public Verdict {
            results = List.copyOf(results);
        }

        public boolean passed() {
            return results.stream().allMatch(r -> r.status() == Status.PASS || r.status() == Status.SKIPPED);
        }

        public boolean allowed() {
            return passed() || forced;
        }

        /** One line: why the gate refused. */
        public String why() {
            List<String> parts = new ArrayList<>();
            for (CheckResult r : results) {
                if (r.status() == Status.FAIL || r.status() == Status.INCONCLUSIVE) {
                    parts.add(r.name() + ": " + r.observed() + (r.fix().isEmpty() ? "" : " (" + r.fix() + ")"));
                }
            }
            return String.join("; ", parts);
        }
    }

    public static Verdict evaluate(Ledger ledger, Settings settings, PipelineCheck verifyNow, boolean force, String reason) {
        List<CheckResult> results = new ArrayList<>();
        results.add(soak(ledger.latest("soak"), settings));
        List<CheckResult> now = verifyNow.runOnce();
        // Checks about the clients' set-up (an unnamed machine, an old version, two processes on one
        // session) are shown but do not hold retire back: the old stack got the same telemetry.
        java.util.Set<String> advisory = verifyNow.advisory();
        List<CheckResult> bad = now.stream().filter(r -> r.status() == Status.FAIL || r.status() == Status.INCONCLUSIVE)
                .filter(r -> !advisory.contains(r.name())).toList();
        if (now.stream().allMatch(r -> r.status() == Status.SKIPPED)) {
            // Skipped checks prove nothing: with no endpoints given, "all passed" would be a lie.
            results.add(CheckResult.inconclusive("verify-now", "verify ran no checks (" + now.size() + " skipped)",
                    "no endpoint to check the new pipeline against was given",
                    "give the same --prometheus-url/--loki-url (or --api-proxy) as for 'migrate verify'"));
        } else if (bad.isEmpty()) {
            List<String> findings = now.stream().filter(r -> advisory.contains(r.name()) && r.status() != Status.PASS
                    && r.status() != Status.SKIPPED).map(r -> "'" + r.name() + "'").toList();
            results.add(CheckResult.pass("verify-now", (now.size() - findings.size()) + " of verify's checks pass now"
                    + (findings.isEmpty() ? "" : "; " + String.join(", ", findings) + " reports client set-up to fix"
                    + " (run 'migrate verify'), which does not hold retire back")));
        } else if (bad.size() == 1 && bad.get(0).name().equals("verify-now")) {
            results.add(bad.get(0));
        } else {
            String names = String.join(", ", bad.stream().map(r -> r.name() + " " + r.status().label()).toList());
            results.add(new CheckResult("verify-now", bad.stream().anyMatch(CheckResult::failed) ? Status.FAIL : Status.INCONCLUSIVE,
                    bad.size() + " of " + now.size() + " checks do not pass now: " + names,
                    "the new pipeline is not healthy right now", "run 'migrate verify' and fix what it reports", null));
        }
        return new Verdict(results, force, force ? reason : "");
    }

    static CheckResult soak(Optional<StepRecord> latest, Settings settings) {
        String need = settings.raw(SettingKeys.SOAK_DURATION);
        if (latest.isEmpty()) {
            return CheckResult.fail("soak-passed", "no soak in the ledger " + "(" + settings.stateDir() + ")",
                    "the new pipeline has not been soaked", "run 'migrate soak' (" + need + ") first");
        }
        StepRecord soak = latest.get();
        if (!soak.passed()) {
            return CheckResult.fail("soak-passed", "the last soak (" + soak.finishedAt() + ") " + soak.outcome(),
                    "the new pipeline did not hold for the soak", "fix what 'migrate soak' reported and soak again");
        }
        if (!settings.digest().equals(soak.settingsDigest())) {
            return CheckResult.fail("soak-passed", "the last soak ran with other settings (" + soak.settingsDigest()
                            + ", now " + settings.digest() + ")", "the settings changed after the soak",
                    "soak again with the current settings ('migrate soak')");
        }
        long proved;
        try {
            proved = Long.parseLong(soak.details().getOrDefault(SOAK_DURATION_SECONDS, "0"));
        } catch (NumberFormatException e) {
            proved = 0;
        }
        if (Duration.ofSeconds(proved).compareTo(settings.soakDuration()) < 0) {
            return CheckResult.fail("soak-passed", "the last soak covered " + Values.format(Duration.ofSeconds(Math.max(proved, 0)))
                    + ", less than soak-duration " + need, "the soak was shorter than required", "run a full 'migrate soak'");
        }
        return CheckResult.pass("soak-passed", "soak passed at " + soak.finishedAt() + " over "
                + Values.format(Duration.ofSeconds(proved)) + " (needs " + need + ")");
    }
}
