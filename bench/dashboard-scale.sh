#!/usr/bin/env bash
# Benchmark of the dashboard at team scale (issue 20). Prints figures, asserts nothing.
# Backfills a real Prometheus 3 TSDB (promtool tsdb create-blocks-from openmetrics) with 30 days of sessions,
# once at ~100 and once at ~100,000 claude_code_* series plus what the recording rules write for them, then
# times every Prometheus panel of the rendered dashboard over 30 days (median of RUNS) at both sizes in one run:
#   - each panel's ratio ~100,000 / ~100 (goal: within 2x) and the dashboard's total at ~100,000
#   - the raw expressions the panels read before the recording rules, at ~100,000 (1 run each)
#   - the queries of verify's dashboard check (its queryRange, 1h) at both sizes (goal: verify within 1.5x)
# Usage: bench/dashboard-scale.sh [RUNS]   (default 3). Needs ~2 GB free in /tmp while it backfills.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
mvn -B -q -ntp test-compile
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
exec nice java -cp "$cp" dev.migrate.bench.DashboardScaleBench "$runs"
