package dev.migrate.bundle;

import dev.migrate.bundle.rules.CollectorYamlWellFormed;
import dev.migrate.bundle.rules.ComponentSettings;
import dev.migrate.bundle.rules.ConfigMapSize;
import dev.migrate.bundle.rules.RecordedIncrements;
import dev.migrate.bundle.rules.DashboardJsonWellFormed;
import dev.migrate.bundle.rules.DatasourceUids;
import dev.migrate.bundle.rules.DeltaTemporality;
import dev.migrate.bundle.rules.UserLabel;
import dev.migrate.bundle.rules.EnvReferences;
import dev.migrate.bundle.rules.HealthCheckEnabled;
import dev.migrate.bundle.rules.ListenEndpoints;
import dev.migrate.bundle.rules.LokiBothServices;
import dev.migrate.bundle.rules.LokiNoJson;
import dev.migrate.bundle.rules.MemoryLimitAboveLimiter;
import dev.migrate.bundle.rules.MemoryLimiterFirst;
import dev.migrate.bundle.rules.MetricExpiration;
import dev.migrate.bundle.rules.NoDebugOrLokiExporter;
import dev.migrate.bundle.rules.OneShotCounters;
import dev.migrate.bundle.rules.PipelineReferences;
import dev.migrate.bundle.rules.PrometheusSuffixes;
import dev.migrate.bundle.rules.ReleaseLabel;
import dev.migrate.bundle.rules.Rule;
import dev.migrate.bundle.rules.SelectorsConsistent;
import dev.migrate.bundle.rules.SelfMetricNames;
import dev.migrate.bundle.rules.SessionsExcludeAgentsView;
import dev.migrate.bundle.rules.SelfMetrics;
import dev.migrate.bundle.rules.SourceRanges;
import dev.migrate.bundle.rules.TemplateVariables;
import dev.migrate.bundle.rules.ThresholdsAreSettings;
import dev.migrate.bundle.rules.VipInPool;
import dev.migrate.checks.CheckResult;
import dev.migrate.settings.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs every offline rule over a rendered bundle, in a fixed order (inputs first, then config, then objects). */
public final class BundleValidator {
    /** The rules that decide whether the inputs could be read at all; their failure is bad input, not a finding. */
    public static final Set<String> INPUT_RULES = Set.of(CollectorYamlWellFormed.NAME, DashboardJsonWellFormed.NAME);

    public static final List<Rule> RULES = List.of(
            new CollectorYamlWellFormed(),
            new DashboardJsonWellFormed(),
            new PipelineReferences(),
            new ComponentSettings(),
            new MemoryLimiterFirst(),
            new MemoryLimitAboveLimiter(),
            new ListenEndpoints(),
            new HealthCheckEnabled(),
            new SelfMetrics(),
            new SelfMetricNames(),
            new NoDebugOrLokiExporter(),
            new PrometheusSuffixes(),
            new MetricExpiration(),
            new DeltaTemporality(),
            new UserLabel(),
            new EnvReferences(),
            new DatasourceUids(),
            new LokiNoJson(),
            new LokiBothServices(),
            new TemplateVariables(),
            new OneShotCounters(),
            new RecordedIncrements(),
            new SessionsExcludeAgentsView(),
            new ThresholdsAreSettings(),
            new VipInPool(),
            new SourceRanges(),
            new SelectorsConsistent(),
            new ReleaseLabel(),
            new ConfigMapSize());

    private BundleValidator() {
    }

    public static List<CheckResult> validate(Bundle bundle, Settings settings) {
        List<CheckResult> results = new ArrayList<>();
        for (Rule rule : RULES) {
            results.add(rule.check(bundle, settings));
        }
        return results;
    }
}
