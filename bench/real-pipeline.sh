#!/usr/bin/env bash
# Benchmark of the real telemetry pipeline. Prints figures, asserts nothing.
#   - the warm build of scripts/real-components (everything cached), against a bare `bash -c true`
#   - with --cold: a cold build into empty temporary Go module, build and component caches
#     (downloads everything from the module proxy again; minutes on 2 cores)
#   - the round trip probe -> real collector -> real Prometheus 3 (1 s scrape): median and p95 over PROBES
#   - a cold `migrate verify` (fresh JVM) against the real chain, and its ratio to the slowest single check
# Usage: bench/real-pipeline.sh [--cold] [PROBES] [RUNS]   (defaults 20 and 3)
set -euo pipefail
cd "$(dirname "$0")/.."
cold=""
[ "${1:-}" = "--cold" ] && { cold=1; shift; }
probes="${1:-20}"
runs="${2:-3}"
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

t0=$(now); bash -c true; t1=$(now)
scripts/real-components >/dev/null; t2=$(now)
echo "warm scripts/real-components: $(ms "$t1" "$t2") ms (bare bash: $(ms "$t0" "$t1") ms; ratio $(( ($(ms "$t1" "$t2") + 1) / ($(ms "$t0" "$t1") + 1) ))x)"
if [ -n "$cold" ]; then
  tmp=$(mktemp -d)
  GOMODCACHE="$tmp/mod" GOCACHE="$tmp/gocache" MIGRATE_REAL_CACHE="$tmp/real" scripts/real-components
  chmod -R u+w "$tmp" && rm -rf "$tmp"
fi

scripts/install-test-deps.sh >/dev/null
if [ ! -f target/migrate.jar ] || [ -n "$(find src/main checks collector manifests pom.xml -newer target/migrate.jar -print -quit)" ]; then
  mvn -B -q -ntp -DskipTests package
fi
mvn -B -q -ntp test-compile
mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.migrate.bench.RealPipelineBench \
  target/migrate.jar "$probes" "$runs"
