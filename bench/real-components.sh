#!/usr/bin/env bash
# Cold and warm build times of the real components (scripts/real-components), in one run:
#   cold: an empty component cache and an empty Go build cache (GOCACHE), the module cache kept
#         (downloads are the proxy's speed, not the build's);
#   warm: the same command again, everything cached.
# Each component's own time is in the script's "built in N s" lines. Costs a full cold build
# (tens of minutes on 2 cores): run it on a quiet machine, and read the load it prints. The CPU
# time (user + sys of the builds) is printed too: it hardly depends on what else runs, and on an
# idle 2-core machine the cold wall time is at least half of it.
# Usage: bench/real-components.sh [COMPONENT...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "real-components build benchmark ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(go version))"
cpu() { # user + sys seconds of this shell's finished children so far
    awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat | awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", $1 / hz }'
}
start=$SECONDS
cpu0=$(cpu)
# The whole log is kept: a failed build (e.g. the builder's 30 min deadline on a crowded machine) shows its cause.
if ! MIGRATE_REAL_CACHE="$tmp/cache" GOCACHE="$tmp/gocache" scripts/real-components "$@" >"$tmp/cold.log" 2>&1; then
    grep -E 'built in|ready in' "$tmp/cold.log" || true
    echo "the cold build failed after $((SECONDS - start)) s (load $(cut -d' ' -f1 /proc/loadavg)); its last lines:"
    tail -25 "$tmp/cold.log"
    exit 1
fi
grep -E 'built in|ready in' "$tmp/cold.log"
cold=$((SECONDS - start))
coldcpu=$(( $(cpu) - cpu0 ))
start=$SECONDS
MIGRATE_REAL_CACHE="$tmp/cache" GOCACHE="$tmp/gocache" scripts/real-components "$@" >/dev/null
warm=$((SECONDS - start))
echo "cold build: $cold s wall, $coldcpu s CPU (idle 2-core wall >= $((coldcpu / 2)) s)   warm (all cached): $warm s   (load now $(cut -d' ' -f1 /proc/loadavg))"
