#!/usr/bin/env bash
# Benchmark of `migrate verify` on loopback. Prints figures, asserts nothing.
# Starts a real Prometheus and Alertmanager (Debian packages) and doubles of the collector, Loki and
# Grafana on 127.0.0.1, then times `java -jar target/migrate.jar verify` in fresh JVMs (cold):
#   - full verify wall time (median of RUNS), and without the scrape-bound round trip
#   - its ratio to the slowest single check run alone (--only, JVM start included in both)
#   - its ratio with ~100,000 vs ~100 claude_code_* series in Prometheus
# Goals from the issue: under 2 s cold, within 1.5x of the slowest check plus JVM start, under 1.3x
# slower at 100,000 series. Usage: bench/verify.sh [RUNS] [dashboard]   (default 5 runs)
# With "dashboard": only the dashboard check against `verify --skip dashboard` at ~100 and ~100,000 series,
# with its variants (concurrency 1/2/4, evaluation range 30 s / 5 s) through a checks-dir copy of checks/.
# With "scale": the scale goal alone (within 1.5x), full verify (as a user runs it) at ~100 vs ~100,000 series, medians of RUNS,
# and each check's time inside one run at both sizes.
# With "profile": each distinct dashboard expression's cost at ~100,000 series, what the "All" matchers cost,
# and the whole set with 1, 2 and 4 queries in flight (DashboardQueryProfile).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
scripts/install-test-deps.sh >/dev/null
if [ ! -f target/migrate.jar ] || [ -n "$(find src/main checks pom.xml -newer target/migrate.jar -print -quit)" ]; then
  mvn -B -q -ntp -DskipTests package
fi
mvn -B -q -ntp test-compile
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
if [ "${2:-}" = profile ]; then
  exec java -cp "$cp" dev.migrate.bench.DashboardQueryProfile
fi
exec nice java -cp "$cp" dev.migrate.bench.VerifyBench target/migrate.jar "$runs" "${2:-all}"
