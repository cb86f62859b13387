#!/usr/bin/env bash
# Prints (never asserts) start-up figures of the installed package against bin/migrate, medians of
# RUNS runs (default 5), each as a ratio to a bare JVM start measured in the same run:
#   - bare JVM (a trivial class: the baseline),
#   - `migrate --help` and `migrate deploy --dry-run` from /usr/bin/migrate (the .deb's launcher,
#     with its per-user AppCDS archive, trained before timing) and from bin/migrate (the repository's
#     launcher, archive in target/),
#   - the .deb and tarball sizes.
# Installs target/package/migrate_<version>_all.deb if no migrate package is installed, and removes
# it again at the end. Usage: bench/package-startup.sh [RUNS]   (scripts/package builds the packages)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
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
cat > "$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$work" "$work/Hello.java"
: > "$work/empty.yaml"   # built-in defaults only

median_ms() {
  "$@" >/dev/null 2>&1 || true   # warm-up (and the launchers' one-off AppCDS training run)
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
# The dry-run first: its warm-up is the launcher's training run (--help alone never trains).
pkg_dry=$(median_ms /usr/bin/migrate deploy --dry-run --config "$work/empty.yaml")
pkg_help=$(median_ms /usr/bin/migrate --help)
src_help=$(median_ms "$root/bin/migrate" --help)
src_dry=$(median_ms "$root/bin/migrate" deploy --dry-run --config "$work/empty.yaml")
pkg_dry_nocds=$(MIGRATE_NO_CDS=1 median_ms /usr/bin/migrate deploy --dry-run --config "$work/empty.yaml")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo "package start-up benchmark: median of $runs runs, $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '  %-52s %6s ms\n' "bare JVM (trivial class, baseline)" "$bare"
for row in "installed: migrate --help|$pkg_help" "installed: migrate deploy --dry-run|$pkg_dry" \
           "installed: migrate deploy --dry-run (MIGRATE_NO_CDS)|$pkg_dry_nocds" \
           "bin/migrate --help|$src_help" "bin/migrate deploy --dry-run|$src_dry"; do
  printf '  %-52s %6s ms   %s of baseline\n' "${row%|*}" "${row#*|}" "$(ratio "${row#*|}" "$bare")"
done
printf '  %-52s %s (installed %s)\n' ".deb" "$(du -h "$deb" | cut -f1)" "$(dpkg-query -W -f='${Installed-Size} KiB' migrate)"
printf '  %-52s %s\n' "tarball" "$(du -h "$tarball" | cut -f1)"
