#!/usr/bin/env bash
# Benchmark of the homelab in a box. Prints figures, asserts nothing.
#   - the start-up of the whole world (HomelabWorld: etcd, kube-apiserver, kube-controller-manager,
#     kube-scheduler, kwok, prometheus-operator, Prometheus 3 on the operator's config, Alertmanager,
#     the Loki, Grafana and kube-state-metrics doubles) and of each component, in start order;
#   - a first deploy on default settings, then a no-op re-deploy on that world next to a baseline
#     measured in the same run (connect + one GET), and the no-op's API requests;
#   - unless --no-e2e: the end-to-end test (SeedPlanEndToEndTest) as CI runs it: the Maven run's wall
#     time (JVM, world start-up, dockerd) and the seed plan's own time, as the test prints them.
# Runs inside scripts/private-net (the world's addresses exist only there). Build times of the
# components: bench/real-components.sh.
# Usage: bench/homelab.sh [--no-e2e] [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
e2e=1
[ "${1:-}" = "--no-e2e" ] && { e2e=""; shift; }
runs="${1:-10}"
scripts/real-components kubernetes etcd prometheus alertmanager otelcol prometheus_operator kwok >&2
cp="$(bench_classpath)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "homelab world benchmark ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(java -version 2>&1 | head -1))"
scripts/private-net java -Djava.security.manager=dev.migrate.testsupport.LoopbackOnlyNetwork \
  -cp "$cp" dev.migrate.bench.HomelabBench "$runs" 2>"$log" \
  || { tail -50 "$log" >&2; exit 1; }
[ -n "$e2e" ] || exit 0
echo "end-to-end test (load $(cut -d' ' -f1 /proc/loadavg)):"
t0=$(date +%s%N)
scripts/private-net mvn -B -ntp -o -q test -Dtest=SeedPlanEndToEndTest >"$log" 2>&1 || { tail -50 "$log" >&2; exit 1; }
t1=$(date +%s%N)
out=target/surefire-reports/dev.migrate.homelab.SeedPlanEndToEndTest-output.txt
printf '  %-52s %8.1f s\n' "mvn test -Dtest=SeedPlanEndToEndTest (wall)" "$(echo "($t1 - $t0) / 1000000000" | bc -l)"
grep -h "whole world" "$out" | sed 's/^ */  world start-up in the test: /' || true
grep -h "^seed plan" "$out" | sed 's/^/  /' || true
