#!/usr/bin/env bash
# Prints (never asserts) start-up figures of the installed package against bin/migrate, medians of
# RUNS rounds (default 5), each as a ratio to a bare JVM start measured in the same run:
#   - bare JVM (a trivial class: the baseline),
#   - `migrate --help` and `migrate deploy --dry-run` from /usr/bin/migrate (the .deb's launcher,
#     with its per-user AppCDS archive, trained before timing) and from bin/migrate (the repository's
#     launcher, archive in target/),
#   - the .deb and tarball sizes.
# Installs target/package/migrate_<version>_all.deb if no migrate package is installed, and removes
# it again at the end. Usage: bench/package-startup.sh [RUNS]   (scripts/package builds the packages)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
runs="${1:-${RUNS:-5}}"
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)
deb="$root/target/package/migrate_${version}_all.deb"
tarball="$root/target/package/migrate-$version-linux.tar.gz"
[ -f "$deb" ] || { echo "no $deb: run scripts/package first" >&2; exit 1; }
work="$(mktemp -d)"
installed_here=""
cleanup() { [ -n "$installed_here" ] && dpkg -r migrate >/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if ! dpkg-query -W -f='${Status}' migrate 2>/dev/null | grep -q 'ok installed'; then
  dpkg -i "$deb" >/dev/null && installed_here=1
fi
export HOME="$work/home"   # a fresh per-user AppCDS cache for the installed launcher
mkdir -p "$HOME"
bench_hello "$work"
: > "$work/empty.yaml"   # built-in defaults only

# The variants run round-robin (one run of each per round, RUNS rounds, after one warm-up round that
# also lets the installed launcher train its AppCDS archive): a machine whose load drifts during the
# run then slows every variant alike, instead of whichever happened to run last.
names=(bare pkg_help pkg_dry pkg_dry_nocds src_help src_dry)
cmds=(
  "java -cp $work Hello"
  "/usr/bin/migrate --help"
  "/usr/bin/migrate deploy --dry-run --config $work/empty.yaml"
  "env MIGRATE_NO_CDS=1 /usr/bin/migrate deploy --dry-run --config $work/empty.yaml"
  "$root/bin/migrate --help"
  "$root/bin/migrate deploy --dry-run --config $work/empty.yaml"
)
cd "$work"
bench_round_robin "$runs"
bare=$(bench_median bare) pkg_help=$(bench_median pkg_help) pkg_dry=$(bench_median pkg_dry) pkg_dry_nocds=$(bench_median pkg_dry_nocds)
src_help=$(bench_median src_help) src_dry=$(bench_median src_dry)

echo "package start-up benchmark: median of $runs rounds (round-robin), $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '  %-52s %6s ms\n' "bare JVM (trivial class, baseline)" "$bare"
for row in "installed: migrate --help|$pkg_help" "installed: migrate deploy --dry-run|$pkg_dry" \
           "installed: migrate deploy --dry-run (MIGRATE_NO_CDS)|$pkg_dry_nocds" \
           "bin/migrate --help|$src_help" "bin/migrate deploy --dry-run|$src_dry"; do
  printf '  %-52s %6s ms   %s of baseline\n' "${row%|*}" "${row#*|}" "$(bench_ratio "${row#*|}" "$bare")"
done
printf '  %-52s %s (installed %s)\n' ".deb" "$(du -h "$deb" | cut -f1)" "$(dpkg-query -W -f='${Installed-Size} KiB' migrate)"
printf '  %-52s %s\n' "tarball" "$(du -h "$tarball" | cut -f1)"
