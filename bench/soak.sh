#!/usr/bin/env bash
# Benchmark for `migrate soak` (figures printed, never asserted): a 24 h soak at 60 s intervals
# (1,440 cycles) with the built-in checks, in simulated time, writing and fsyncing the real
# journal; in-memory Prometheus/Loki/probe, so it measures the soak itself, not the network.
# Prints medians over RUNS fresh JVMs of: wall time, RSS at cycle 100 vs 1,440 (growth %),
# heap after GC at both, journal bytes for 24 h. Goals: < 60 s, RSS growth < 10 %, journal < 2 MiB.
# Baseline for the time: the same JVM start-up with no cycles (java -version), printed beside it.
# RSS includes the JIT's code cache, which grows while C2 warms up; heap after GC is the soak's own state.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${RUNS:-3}
cd "$root"
echo "bench: compiling ..." >&2
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench.cp)"
rows=()
for i in $(seq "$runs"); do
  rows+=("$(java -Xmx256m -cp "$cp" dev.migrate.soak.SoakBench)")
  echo "bench: run $i: ${rows[-1]}" >&2
done
start_ms=()
for i in $(seq "$runs"); do
  t0=$(date +%s%N); java -Xmx256m -cp "$cp" -version >/dev/null 2>&1; t1=$(date +%s%N)
  start_ms+=($(( (t1 - t0) / 1000000 )))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { local n=$1; shift; for r in "$@"; do echo "$r" | cut -d' ' -f"$n"; done; }
wall=$(median $(col 1 "${rows[@]}"))
rss100=$(median $(col 2 "${rows[@]}"))
rss1440=$(median $(col 3 "${rows[@]}"))
heap100=$(median $(col 4 "${rows[@]}"))
heap1440=$(median $(col 5 "${rows[@]}"))
bytes=$(median $(col 6 "${rows[@]}"))
jvm=$(median "${start_ms[@]}")
echo "soak bench: 24 h at 60 s = 1440 cycles, built-in checks, fsync per cycle, median of $runs runs"
printf '  wall time for 1440 cycles   %8.2f s   (JVM start-up alone %.2f s)\n' "$(echo "$wall/1000" | bc -l)" "$(echo "$jvm/1000" | bc -l)"
printf '  per cycle                   %8.2f ms\n' "$(echo "$wall/1440" | bc -l)"
printf '  RSS at cycle 100            %8d kB\n' "$rss100"
printf '  RSS at cycle 1440           %8d kB   growth %+.1f %%\n' "$rss1440" "$(echo "($rss1440-$rss100)*100/$rss100" | bc -l)"
printf '  heap after GC 100 -> 1440   %8d -> %d kB   growth %+.1f %% (what the soak itself holds)\n' "$heap100" "$heap1440" "$(echo "($heap1440-$heap100)*100/$heap100" | bc -l)"
printf '  journal for 24 h            %8d bytes (%.2f MiB, %.0f bytes/cycle)\n' "$bytes" "$(echo "$bytes/1048576" | bc -l)" "$(echo "$bytes/1440" | bc -l)"
