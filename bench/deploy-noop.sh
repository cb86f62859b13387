#!/usr/bin/env bash
# Prints the median wall time of a no-op re-deploy (migrate deploy on a cluster that already matches
# the bundle) against a real kube-apiserver + etcd on 127.0.0.1 (KubeApiServer; scripts/real-components
# builds them), next to a baseline measured in the
# same run (connect + one GET). In-process timings: JVM start is measured by bench/ for --help.
# Usage: bench/deploy-noop.sh [RUNS]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-15}"
mvn -B -q -o -Dstyle.color=never test-compile >&2 || mvn -B -q -Dstyle.color=never test-compile >&2
cp_file="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$cp_file" "$log"' EXIT
mvn -B -q -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2 \
  || mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >&2
echo "deploy no-op benchmark ($(nproc) cores, $(java -version 2>&1 | head -1))"
# Keep stderr out of the figures unless the run fails.
java -cp "target/test-classes:target/classes:$(cat "$cp_file")" dev.migrate.deploy.DeployNoopBench "$runs" 2>"$log" \
  || { cat "$log" >&2; exit 1; }
