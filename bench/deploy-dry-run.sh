#!/usr/bin/env bash
# Prints (never asserts) start-up figures, medians of RUNS runs (default 7):
#   - a bare JVM start of a trivial class (the baseline),
#   - `migrate --help` and its ratio to the baseline (goal: < 0.5 s and < 2.5x),
#   - `migrate deploy --dry-run` (render + 21 rules, built-in defaults),
#   - the same two again with an AppCDS archive (-XX:SharedArchiveFile), to show what CDS buys.
# Usage: bench/deploy-dry-run.sh [RUNS]     (builds target/migrate.jar if it is missing)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-${RUNS:-7}}"
jar="$root/target/migrate.jar"
if [ ! -f "$jar" ]; then
  echo "building $jar ..." >&2
  (cd "$root" && mvn -q -o -B -DskipTests package) >&2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work" "$work/Hello.java"
: > "$work/empty.yaml"   # no migrate.yaml from the current directory: built-in defaults only

# median_ms CMD...: runs the command $runs times (after one warm-up) and prints the median in ms.
median_ms() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
}

cd "$work"
bare=$(median_ms java -cp "$work" Hello)
help=$(median_ms java -jar "$jar" --help)
dry=$(median_ms java -jar "$jar" deploy --dry-run --config "$work/empty.yaml")

# AppCDS: one training run of the dry-run (it loads what --help loads and more) dumps the archive.
java -XX:ArchiveClassesAtExit="$work/migrate.jsa" -jar "$jar" deploy --dry-run --config "$work/empty.yaml" >/dev/null 2>&1 || true
cds=(-XX:SharedArchiveFile="$work/migrate.jsa" -Xshare:auto)
help_cds=$(median_ms java "${cds[@]}" -jar "$jar" --help)
dry_cds=$(median_ms java "${cds[@]}" -jar "$jar" deploy --dry-run --config "$work/empty.yaml")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo "deploy dry-run benchmark: median of $runs runs, $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '  %-40s %6s ms\n' "bare JVM (trivial class, baseline)" "$bare"
printf '  %-40s %6s ms   %s of baseline\n' "migrate --help" "$help" "$(ratio "$help" "$bare")"
printf '  %-40s %6s ms   %s of baseline\n' "migrate deploy --dry-run" "$dry" "$(ratio "$dry" "$bare")"
printf '  %-40s %6s ms   %s of baseline\n' "migrate --help (AppCDS)" "$help_cds" "$(ratio "$help_cds" "$bare")"
printf '  %-40s %6s ms   %s of baseline\n' "migrate deploy --dry-run (AppCDS)" "$dry_cds" "$(ratio "$dry_cds" "$bare")"
