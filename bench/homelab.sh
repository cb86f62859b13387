#!/usr/bin/env bash
# Prints the start-up of the homelab-in-a-box world (HomelabWorld: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok, prometheus-operator, Prometheus 3 on the operator's
# config, Alertmanager, the Loki and Grafana doubles) and of each component, a first deploy on
# default settings, and a no-op re-deploy on that world next to a baseline measured in the same
# run (connect + one GET). Runs inside scripts/private-net (the world's addresses exist only there).
# The end-to-end test prints its own wall time (SeedPlanEndToEndTest); build times:
# bench/real-components.sh.
# Usage: bench/homelab.sh [RUNS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
scripts/real-components kubernetes etcd prometheus alertmanager otelcol prometheus_operator kwok >&2
mvn -B -q -o -Dstyle.color=never test-compile >&2 || mvn -B -q -Dstyle.color=never test-compile >&2
cp_file="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$cp_file" "$log"' EXIT
mvn -B -q -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2 \
  || mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
echo "homelab world benchmark ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(java -version 2>&1 | head -1))"
scripts/private-net java -Djava.security.manager=dev.migrate.testsupport.LoopbackOnlyNetwork \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" dev.migrate.bench.HomelabBench "$runs" 2>"$log" \
  || { tail -50 "$log" >&2; exit 1; }
