package dev.migrate.deploy;

import dev.migrate.checks.CheckResult;

import java.util.List;

/**
 * The outcome of one deploy run.
 *
 * @param exitCode  for the process: {@link dev.migrate.ExitCodes#OK} or {@link dev.migrate.ExitCodes#FAILED}; for a
 *                  run that stopped ({@link DeployRunner.Stopped}), the stop's code (130 for an interrupt)
 * @param outcome   a {@link dev.migrate.ledger.StepRecord} outcome constant (passed / failed / interrupted)
 * @param summary   one line, also the ledger's summary
 * @param preflight the preflight results, skipped ones included
 * @param changes   per object: created / configured / unchanged (or the would-* forms for --diff)
 * @param waits     rollout and VIP results
 */
public record DeployResult(int exitCode, String outcome, String summary, DeployPlan plan, List<CheckResult> preflight,
                           List<ObjectChange> changes, List<CheckResult> waits) {
    public DeployResult {
        preflight = List.copyOf(preflight);
        changes = List.copyOf(changes);
        waits = List.copyOf(waits);
    }
}
