#!/usr/bin/env bash
# Installs the real components the tests start on loopback (Debian packages), if missing:
# Docker engine + docker-compose (retire, backport), Prometheus 2.42 (only to compare the old
# range semantics; the tests run Prometheus 3, Alertmanager, the collector and kube-apiserver
# built by scripts/real-components), Chromium (soak's HTML report), asciidoctor, man-db and zsh (the packages' man pages, PackageDocsTest, the zsh completion check). The tests start and stop their own processes; this script
# starts nothing, and dockerd is only ever started by tests with no bridge and no NAT.
set -euo pipefail
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v asciidoctor >/dev/null 2>&1 || need+=(asciidoctor)   # scripts/package: the man pages
command -v zsh >/dev/null 2>&1 || need+=(zsh)                   # scripts/package-check: zsh completion
command -v man >/dev/null 2>&1 || need+=(man-db)                # scripts/package-check, PackageDocsTest: the man pages
command -v python3 >/dev/null 2>&1 || need+=(python3-minimal)    # the stdio MCP server the real Claude Code client starts
command -v npm >/dev/null 2>&1 || need+=(npm)                    # scripts/real-components: the Claude Code client
command -v git >/dev/null 2>&1 || need+=(git)                    # the real client's commit scenario
if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # A temporary policy-rc.d keeps the packages from starting their services on install
  # (node-exporter and Prometheus would listen on every address; dockerd would create a bridge).
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
echo "install-test-deps: ok ($(prometheus --version 2>&1 | head -1 | cut -d' ' -f1-3); $(dockerd --version))"
