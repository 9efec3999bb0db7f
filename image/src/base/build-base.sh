#!/usr/bin/env bash
# Builds the image's base layer into $1 without a Docker engine: a Java runtime cut by jlink to the
# modules cachepipe uses, the C libraries it and the bundled native libraries (RocksDB, zstd, snappy)
# load, taken from this build machine, and the few files of /etc a JVM reads. What a distroless
# Java base image holds, made from what the build machine has.
set -euo pipefail
out=$1
java_home=${JAVA_HOME:?JAVA_HOME must name the JDK whose jlink cuts the runtime}
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/app"
# jdeps --print-module-deps on cachepipe.jar and its dependencies, plus DNS and PKCS#11 providers.
modules=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,jdk.attach,jdk.crypto.cryptoki,jdk.httpserver,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
  --output "$out/opt/java"
# The loader and libraries the runtime and the bundled natives link against (ldd of each).
# ldconfig lives in /sbin, which a non-root user's PATH may lack.
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
arch_dir=$(dirname "$(readlink -f "$("$ldconfig" -p | awk '/libc.so.6 .*x86-64|libc.so.6 .*AArch64/ {print $NF; exit}')")")
mkdir -p "$out$arch_dir"
for lib in libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0 librt.so.1 libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  cp -L "$arch_dir/$lib" "$out$arch_dir/$lib"
done
loader=$(readelf -l "$out/opt/java/bin/java" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
mkdir -p "$out$(dirname "$loader")"
cp -L "$loader" "$out$loader"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncachepipe:x:65532:65532:cachepipe:/app:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\ncachepipe:x:65532:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$out/etc/hosts"
chmod 1777 "$out/tmp"
echo "base layer in $out: $(du -sh "$out" | cut -f1)"
