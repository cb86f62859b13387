#!/usr/bin/env bash
# Prints (never asserts) start-up figures, medians of RUNS rounds (default 7), each as a ratio to a
# bare JVM start measured in the same run:
#   - a bare JVM start of a trivial class (the baseline),
#   - `migrate --help` and `migrate deploy --dry-run` (render + every offline rule, built-in
#     defaults) through bin/migrate, as users run it: with its AppCDS archive, and with
#     MIGRATE_NO_CDS=1 (the same JVM options, no archive),
#   - the same two as plain `java -jar target/migrate.jar` (the JVM's defaults, no launcher options),
#     to show what the launcher's options buy.
# Goals: --help within 1.5x and deploy --dry-run within 4x of the bare start.
# The variants run round-robin (one run of each per round, after one warm-up round that also lets
# bin/migrate build the jar and train its archive), so load that drifts during the run slows all alike.
# Usage: bench/deploy-dry-run.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
runs="${1:-${RUNS:-7}}"
jar="$root/target/migrate.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bench_hello "$work"
: > "$work/empty.yaml"   # no migrate.yaml from the current directory: built-in defaults only
"$root/bin/migrate" --version >/dev/null   # builds the jar if sources changed, before anything is timed

names=(bare help dry help_nocds dry_nocds help_jar dry_jar)
labels=("bare JVM (trivial class, baseline)" "bin/migrate --help (AppCDS)" "bin/migrate deploy --dry-run (AppCDS)"
        "bin/migrate --help (MIGRATE_NO_CDS=1)" "bin/migrate deploy --dry-run (MIGRATE_NO_CDS=1)"
        "java -jar migrate.jar --help" "java -jar migrate.jar deploy --dry-run")
cmds=(
  "java -cp $work Hello"
  "$root/bin/migrate --help"
  "$root/bin/migrate deploy --dry-run --config $work/empty.yaml"
  "env MIGRATE_NO_CDS=1 $root/bin/migrate --help"
  "env MIGRATE_NO_CDS=1 $root/bin/migrate deploy --dry-run --config $work/empty.yaml"
  "java -jar $jar --help"
  "java -jar $jar deploy --dry-run --config $work/empty.yaml"
)
cd "$work"
bench_round_robin "$runs"
bare=$(bench_median bare)
# goal NAME LIMIT: "goal 4x: met" or "goal 4x: missed by 1.3x".
goal() {
  awk -v a="$(bench_median "$1")" -v b="$bare" -v g="$2" 'BEGIN { r = a / b; if (r <= g) printf "goal %sx: met", g;
    else printf "goal %sx: missed by %.2fx", g, r / g }'
}
echo "deploy dry-run benchmark: median of $runs rounds (round-robin), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
for i in "${!names[@]}"; do
  n=${names[$i]}
  m=$(bench_median "$n")
  case "$n" in
    bare) printf '  %-48s %6s ms\n' "${labels[$i]}" "$m" ;;
    help|help_nocds) printf '  %-48s %6s ms   %s of baseline   %s\n' "${labels[$i]}" "$m" "$(bench_ratio "$m" "$bare")" "$(goal "$n" 1.5)" ;;
    dry|dry_nocds) printf '  %-48s %6s ms   %s of baseline   %s\n' "${labels[$i]}" "$m" "$(bench_ratio "$m" "$bare")" "$(goal "$n" 4)" ;;
    *) printf '  %-48s %6s ms   %s of baseline\n' "${labels[$i]}" "$m" "$(bench_ratio "$m" "$bare")" ;;
  esac
done
