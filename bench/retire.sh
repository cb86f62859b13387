#!/usr/bin/env bash
# Benchmark for `migrate retire` (figures printed, never asserted):
#  1. archive throughput of a 1 GiB volume (random bytes: TSDB chunks barely compress) with
#     retire's own archiver (stream, gzip or store, sha256, re-read and verify), against
#     `docker cp` of the same volume to a tar file, and against `docker cp` with the same
#     guarantees (sha256 while writing, sha256 of the re-read file), as ratios;
#  2. wall time of a full `migrate retire --yes` of the 3-container stack with small volumes
#     (fresh JVM included), i.e. retire without archive I/O.
# Starts its own dockerd with no bridge and no NAT on a temp socket; needs root, docker.io,
# docker-compose, busybox-static (scripts/install-test-deps.sh). Runs in about 2 minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${RUNS:-3}
size_mib=${SIZE_MIB:-1024}
for tool in /usr/sbin/dockerd docker docker-compose /bin/busybox python3 java mvn; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing; run scripts/install-test-deps.sh" >&2; exit 1; }
done

work=$(mktemp -d /tmp/rbench.XXXX)
sock="unix://$work/docker.sock"
export DOCKER_HOST="$sock"
cleanup() {
  [ -f "$work/docker.pid" ] && kill "$(cat "$work/docker.pid")" 2>/dev/null && sleep 2
  rm -rf "$work"
}
trap cleanup EXIT
/usr/sbin/dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" -H "$sock" \
  --bridge=none --iptables=false --ip-forward=false --ip-masq=false >"$work/dockerd.log" 2>&1 &
for _ in $(seq 100); do docker version >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$work/rootfs/bin/$a"; done
tar -C "$work/rootfs" -cf "$work/rootfs.tar" . && docker import "$work/rootfs.tar" rbench:1 >/dev/null

echo "bench: building the migrate jar ..." >&2
(cd "$root" && mvn -q -B -o -DskipTests package >/dev/null)
migrate() { java -jar "$root/target/migrate.jar" "$@"; }

stack() { # $1 project dir
  mkdir -p "$1"
  cat >"$1/docker-compose.yml" <<YAML
version: "2.4"
services:
  claude-otel-collector: {image: rbench:1, network_mode: none, restart: always, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]}
  claude-prometheus: {image: rbench:1, network_mode: none, restart: always, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"], volumes: ["claude_prometheus_data:/prometheus"]}
  claude-grafana: {image: rbench:1, network_mode: none, restart: always, command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"], volumes: ["claude_grafana_data:/var/lib/grafana"]}
volumes: {claude_prometheus_data: {}, claude_grafana_data: {}}
YAML
  (cd "$1" && docker-compose up -d >/dev/null 2>&1)
}
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

ports=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# 1. one 1 GiB volume, archived RUNS times by docker cp, docker cp + sha256 (same guarantees), and retire's archiver
p="$work/big/claude-monitoring"; stack "$p"
(cd "$p" && docker-compose exec -T claude-prometheus dd if=/dev/urandom of=/prometheus/chunks bs=1M count="$size_mib" 2>/dev/null)
(cd "$p" && docker-compose stop -t 1 >/dev/null 2>&1)
docker create --name cpbase --network none -v claude-monitoring_claude_prometheus_data:/volume rbench:1 true >/dev/null
base_raw=(); base_sha=(); wall=()
for i in $(seq "$runs"); do
  sync; t0=$(now); docker cp cpbase:/volume - >"$work/raw.tar"; t1=$(now)
  base_raw+=("$(calc "$t1 - $t0")"); rm -f "$work/raw.tar"
  sync; t0=$(now); docker cp cpbase:/volume - | tee "$work/raw.tar" | sha256sum >/dev/null; sync; sha256sum "$work/raw.tar" >/dev/null; t1=$(now)
  base_sha+=("$(calc "$t1 - $t0")"); rm -f "$work/raw.tar"
done
docker rm cpbase >/dev/null
(cd "$root" && mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null)
mapfile -t ours < <(java -cp "$root/target/classes:$root/target/test-classes:$(cat "$work/cp.txt")" \
  dev.migrate.retire.ArchiveBench "$sock" claude-monitoring_claude_prometheus_data "$work/ours" "$runs" 2>/dev/null)

# 2. full retire of the 3-container stack with small volumes (fresh JVM each), no archive I/O to speak of
for i in $(seq "$runs"); do
  s="$work/small$i/claude-monitoring"
  [ "$i" = 1 ] && (cd "$p" && docker-compose rm -f >/dev/null 2>&1; docker volume rm claude-monitoring_claude_prometheus_data claude-monitoring_claude_grafana_data >/dev/null)
  stack "$s"
  (cd "$s" && docker-compose exec -T claude-grafana sh -c 'echo grafana > /var/lib/grafana/grafana.db')
  mkdir -p "$work/sbackups$i"
  t0=$(now)
  migrate retire --yes --force --reason benchmark --state-dir "$work/sstate$i" --backup-dir "$work/sbackups$i" \
    --docker-host "$sock" --ports "$ports" >/dev/null
  t1=$(now); wall+=("$(calc "$t1 - $t0")")
done

mib=$size_mib
m_raw=$(printf '%s\n' "${base_raw[@]}" | median); m_sha=$(printf '%s\n' "${base_sha[@]}" | median)
m_ours=$(printf '%s\n' "${ours[@]}" | median); m_wall=$(printf '%s\n' "${wall[@]}" | median)
echo "retire benchmark ($runs runs each, medians; ${mib} MiB of random bytes in one volume; $(nproc) cores)"
printf '  baseline docker cp -> tar file               %6.2f s  %7.1f MiB/s\n' "$m_raw" "$(calc "$mib / $m_raw")"
printf '  baseline docker cp + sha256 + re-read sha256 %6.2f s  %7.1f MiB/s\n' "$m_sha" "$(calc "$mib / $m_sha")"
printf '  migrate archive (gzip/store, sha256, verify) %6.2f s  %7.1f MiB/s\n' "$m_ours" "$(calc "$mib / $m_ours")"
printf '  ratio vs docker cp:                          %.2fx   (goal >= 0.8x)\n' "$(calc "$m_raw / $m_ours")"
printf '  ratio vs docker cp + sha256 + re-read:       %.2fx\n' "$(calc "$m_sha / $m_ours")"
printf '  full retire, 3 containers, small volumes (fresh JVM): %.2f s   (goal < 15 s)\n' "$m_wall"
echo "  runs: cp=${base_raw[*]}  cp+sha=${base_sha[*]}  archive=${ours[*]}  retire=${wall[*]}"
