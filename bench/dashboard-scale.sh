#!/usr/bin/env bash
# Benchmark of the dashboard at team scale. Prints figures, asserts nothing.
# Backfills a real Prometheus 3 TSDB (promtool tsdb create-blocks-from openmetrics) with 30 days of sessions,
# once at ~100 and once at ~100,000 claude_code_* series plus what the recording rules write for them, then
# times every Prometheus panel of the rendered dashboard as Grafana opens it on 30 days (a panel's own shorter
# timeFrom, the per-session panels' 24h, applies; median of RUNS) at both sizes in one run:
#   - each panel's ratio ~100,000 / ~100 (goal: within 2x) and the dashboard's total at both sizes
#   - the floor (an instant vector(1)), the template variables' label values over 30 days, and what the
#     recorded increments hold (series, samples, and what an hourly level would hold); a prototype the bundle
#     does not ship: Total cost read from a recorded running total per label combination (two samples each)
#   - the queries of verify's dashboard check (its queryRange, 1h) at both sizes (goal: verify within 1.5x)
#   - with "raw": the raw expressions the panels read before the recording rules, at ~100,000 (1 run each, ~6 min)
#   - with before=REV: each panel query that revision's dashboard wrote differently, timed beside today's
# Usage: bench/dashboard-scale.sh [RUNS] [raw] [before=REV]   (default 3). Needs ~2 GB free in /tmp while it backfills.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
. bench/lib.sh
cp="$(bench_classpath)"
args=()
for a in "${@:2}"; do
  case "$a" in
    before=*) git show "${a#before=}:manifests/dashboard/claude-code.json" > target/dashboard-before.json
              args+=("before=$PWD/target/dashboard-before.json") ;;
    *) args+=("$a") ;;
  esac
done
exec nice java -cp "$cp" dev.migrate.bench.DashboardScaleBench "$runs" "${args[@]}"
