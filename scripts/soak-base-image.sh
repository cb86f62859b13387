#!/usr/bin/env bash
# Builds, with no registry and no Docker daemon, a minimal Java 17 base image as a `docker save`
# tarball (target/soak-base.tar): a jlink'ed JRE from this machine's JDK, the few glibc libraries
# it needs, and a non-root user 10001. Jib then builds the soak image on top of it offline:
#   scripts/soak-base-image.sh
#   mvn -Psoak-image -DskipTests package jib:buildTar -Dsoak.base=tar://$PWD/target/soak-base.tar
# → target/jib-image.tar, to `docker load` and push from a machine that reaches the registry.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jdk="${JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[ -d "$jdk/jmods" ] || { echo "soak-base-image: $jdk has no jmods; install openjdk-17-jdk (Debian ships jmods with it)" >&2; exit 1; }
work=$(mktemp -d /tmp/soak-base.XXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt" "$rootfs/tmp" "$rootfs/etc" "$rootfs/soak"
chmod 1777 "$rootfs/tmp"
# The modules migrate uses (picocli, Jackson, OkHttp/TLS, fabric8, OpenTelemetry, docker-java).
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.naming,java.net.http,java.management,java.sql,java.xml,java.desktop,jdk.crypto.ec,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --output "$rootfs/opt/java"
# glibc and friends the JVM links against, copied with their paths.
for lib in $(ldd "$rootfs/opt/java/bin/java" "$rootfs/opt/java/lib/server/libjvm.so" "$rootfs"/opt/java/lib/*.so 2>/dev/null \
    | grep -o '/[^ ]*\.so[^ ]*' | grep -v "^$rootfs" | sort -u); do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
mkdir -p "$rootfs/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nsoak:x:10001:10001:soak:/soak:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nsoak:x:10001:\n' > "$rootfs/etc/group"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"],"User":"10001","WorkingDir":"/soak"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mkdir -p "$work/image"
mv "$work/config.json" "$work/image/$config_id.json"
mv "$work/layer.tar" "$work/image/$diff_id.tar"
printf '[{"Config":"%s.json","RepoTags":["migrate-soak-base:17"],"Layers":["%s.tar"]}]\n' "$config_id" "$diff_id" > "$work/image/manifest.json"
mkdir -p "$root/target"
(cd "$work/image" && tar -cf "$root/target/soak-base.tar" manifest.json "$config_id.json" "$diff_id.tar")
echo "soak-base-image: $root/target/soak-base.tar ($(du -h "$root/target/soak-base.tar" | cut -f1)); next:"
echo "  mvn -Psoak-image -DskipTests package jib:buildTar -Dsoak.base=tar://$root/target/soak-base.tar"
