#!/usr/bin/env bash
# Benchmark of the real collector at team scale. Prints figures, asserts nothing.
# The real collector (scripts/real-components) runs the config deploy renders, with the Deployment's
# environment; a client shaped like Claude Code sends one cost point per new session over OTLP/HTTP
# (delta temporality, session_id on the point) up to MAX series. At each checkpoint it prints the
# collector's RSS (/proc/PID/status VmRSS and its peak VmHWM), the Go heap the memory_limiter measures,
# the refused points, the ratio to the 1,000-series baseline of the same run, and MiB per 1,000 series.
# Runs: "unlimited" (memory_limiter lifted: the cost of a series) and "rendered" (the bundle's limits:
# where data is first refused). Niced; in a private network namespace like the tests.
# Usage: bench/collector-scale.sh [MAX] [RUNS]   (defaults 100000 and unlimited,rendered)
# Extra settings for the rendered bundle through MIGRATE_* variables, e.g.
#   MIGRATE_COLLECTOR_MEMORY_LIMIT=1Gi bench/collector-scale.sh 100000 rendered
set -euo pipefail
cd "$(dirname "$0")/.."
max="${1:-100000}"
runs="${2:-unlimited,rendered}"
scripts/real-components >/dev/null
mvn -B -q -ntp -o test-compile
mvn -B -q -ntp -o dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec nice -n 10 scripts/private-net java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.migrate.bench.CollectorScaleBench "$max" "$runs"
