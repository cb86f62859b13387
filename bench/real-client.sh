#!/usr/bin/env bash
# Benchmark of the real Claude Code client on the real chain. Prints figures, asserts nothing.
#   - a real session's round trip: `claude -p` exits -> its cost is visible in Prometheus 3, median and p95
#     over SESSIONS sessions, beside the synthetic probe's round trip measured in the same run (the baseline)
#   - the client's cold start: process start -> its first request at the Anthropic API double
# The client runs only inside a private network namespace (scripts/private-net), as in the tests.
# Usage: bench/real-client.sh [SESSIONS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
sessions="${1:-10}"
. bench/lib.sh
scripts/real-components otelcol prometheus claude_code >/dev/null
cp=$(bench_classpath)
# niced: the figures are ratios against the probe measured in the same run, and the machine is shared
exec nice -n 10 scripts/private-net java -cp "$cp" dev.migrate.bench.RealClientBench "$sessions"
